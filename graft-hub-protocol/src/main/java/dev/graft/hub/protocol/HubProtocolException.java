package dev.graft.hub.protocol;

/**
 * A name, path or card that breaks a rule of the hub protocol: the problem and, where there is one,
 * the fix. The client reports it as a user error, the server answers it with 400.
 *
 * <pre>{@code
 * try {
 *     RepoId.of(RepoType.MODEL, "alice/a--b");
 * } catch (HubProtocolException e) {
 *     System.err.println(e.oneLine());   // repository name 'alice/a--b' has an invalid part 'a--b' (use 1-96 ...)
 * }
 * }</pre>
 */
public class HubProtocolException extends RuntimeException {
    private final String fix;

    /**
     * @param problem what is wrong, quoting the input (see {@link RepoId#printable})
     * @param fix     what to do about it, or {@code null}
     */
    public HubProtocolException(String problem, String fix) {
        super(problem);
        this.fix = fix;
    }

    /** What the user can do about it, or {@code null}. */
    public String fix() {
        return fix;
    }

    /** The problem and the fix on one line: {@code problem (fix)}. */
    public String oneLine() {
        return fix == null ? getMessage() : getMessage() + " (" + fix + ")";
    }

    /** The problem and the fix as one sentence, {@code problem: fix}, as the server sends it. */
    public String sentence() {
        return fix == null ? getMessage() : getMessage() + ": " + fix;
    }
}
