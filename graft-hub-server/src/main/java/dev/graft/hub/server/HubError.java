package dev.graft.hub.server;

import dev.graft.hub.protocol.HubProtocolException;

/**
 * An error answered to an HTTP client: a status, a Hugging Face error code (sent as
 * {@code X-Error-Code}, e.g. {@code RepoNotFound}, {@code EntryNotFound}, {@code RevisionNotFound}) and
 * a message that says what is wrong and what to do.
 *
 * <pre>{@code
 * throw HubError.notFound("RepoNotFound", "repository alice/bert not found");
 * }</pre>
 */
public final class HubError extends RuntimeException {
    private final int status;
    private final String code;

    public HubError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The {@code X-Error-Code} value, or {@code null}. */
    public String code() {
        return code;
    }

    public static HubError badRequest(String message) {
        return new HubError(400, null, message);
    }

    /** The 400 answer to a name, path or card that breaks a rule of the hub protocol. */
    public static HubError of(HubProtocolException e) {
        return badRequest(e.sentence());
    }

    public static HubError notFound(String code, String message) {
        return new HubError(404, code, message);
    }

    public static HubError unauthorized(String message) {
        return new HubError(401, null, message);
    }

    public static HubError forbidden(String message) {
        return new HubError(403, null, message);
    }

    public static HubError conflict(String message) {
        return new HubError(409, null, message);
    }

    public static HubError tooLarge(String message) {
        return new HubError(413, null, message);
    }
}
