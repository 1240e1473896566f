package dev.graft;

/**
 * An error a user can act on: it names the problem and, where there is one, the fix.
 *
 * <p>The CLI prints such errors as one line (the stack trace only with {@code --debug}).
 *
 * <pre>{@code
 * throw new GraftException("unknown data set 'mnits'", "known data sets: mnist, fashion-mnist, digits");
 * }</pre>
 */
public class GraftException extends RuntimeException {
    private final String fix;

    public GraftException(String problem) {
        this(problem, null, null);
    }

    public GraftException(String problem, String fix) {
        this(problem, fix, null);
    }

    public GraftException(String problem, String fix, Throwable cause) {
        super(problem, cause);
        this.fix = fix;
    }

    /** What the user can do about it, or {@code null}. */
    public String fix() {
        return fix;
    }

    /** The problem and the fix on one line. */
    public String oneLine() {
        return fix == null ? getMessage() : getMessage() + " (" + fix + ")";
    }
}
