package dev.graft.hub.server;

/**
 * A problem with how the server is set up or asked to run (its address, index database, limits, data
 * folder, user names), with the fix: the CLI prints it as one line.
 *
 * <pre>{@code
 * throw new HubServerException("cannot listen on 0.0.0.0:8080: address in use", "pick another --port");
 * }</pre>
 */
public class HubServerException extends RuntimeException {
    private final String fix;

    /**
     * @param problem what is wrong
     * @param fix     what to do about it, or {@code null}
     * @param cause   the underlying failure, or {@code null}
     */
    public HubServerException(String problem, String fix, Throwable cause) {
        super(problem, cause);
        this.fix = fix;
    }

    /** As {@link #HubServerException(String, String, Throwable)} without a cause. */
    public HubServerException(String problem, String fix) {
        this(problem, fix, null);
    }

    /** What the user can do about it, or {@code null}. */
    public String fix() {
        return fix;
    }
}
