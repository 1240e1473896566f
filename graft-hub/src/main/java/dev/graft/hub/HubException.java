package dev.graft.hub;

import dev.graft.GraftException;

/**
 * An error answered by the hub: the HTTP status and the hub's {@code X-Error-Code}
 * (e.g. {@code RepoNotFound}, {@code RevisionNotFound}, {@code EntryNotFound}) travel with it so
 * callers can tell "not found" from "conflict" without parsing text.
 */
public class HubException extends GraftException {
    private final int status;
    private final String errorCode;

    public HubException(String problem, String fix, int status, String errorCode) {
        super(problem, fix);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The {@link #errorCode()} of a hub that gave no answer at all (connection refused or timed out): Graft's own code. */
    public static final String UNREACHABLE = "GraftUnreachable";

    /** HTTP status, or 0 when no answer came (offline, connection refused). */
    public int status() {
        return status;
    }

    /** The hub's {@code X-Error-Code} header, or {@code null}. */
    public String errorCode() {
        return errorCode;
    }
}
