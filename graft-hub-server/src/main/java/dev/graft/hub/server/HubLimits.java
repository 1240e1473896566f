package dev.graft.hub.server;


/**
 * Size limits of requests. Every route that reads a body checks the declared length against its limit
 * before reading, and counts while reading (a body without a length is cut off at the limit), answering
 * 413. Commit bodies carry small files inline; LFS uploads stream to disk; every other body is JSON (or a
 * form) and small, smaller still without a token.
 *
 * @param maxRequestBytes largest commit request body (NDJSON, small files inline in base64)
 * @param maxUploadBytes largest single LFS object upload
 * @param maxJsonBytes largest JSON or form body of any other route, from a token holder
 * @param maxAnonymousBytes largest body of a request without a token (signed LFS uploads excepted: their
 *     size is the one signed)
 */
public record HubLimits(long maxRequestBytes, long maxUploadBytes, long maxJsonBytes, long maxAnonymousBytes) {
    /** Default JSON body limit for token holders: 8 MiB (paths-info of tens of thousands of paths). */
    public static final long DEFAULT_JSON_BYTES = 8L << 20;
    /** Default body limit without a token: 256 KiB. */
    public static final long DEFAULT_ANONYMOUS_BYTES = 256L << 10;
    /** Largest commit body: a Java array (and a JSON line held as one string) holds at most about 2 GiB. */
    public static final long MAX_REQUEST_BYTES = (1L << 31) - (1L << 20);

    public HubLimits {
        check(maxRequestBytes, MAX_REQUEST_BYTES, "the request size limit");
        check(maxUploadBytes, Long.MAX_VALUE, "the upload size limit");
        check(maxJsonBytes, MAX_REQUEST_BYTES, "the JSON body limit");
        check(maxAnonymousBytes, MAX_REQUEST_BYTES, "the anonymous body limit");
    }

    /** Commit and upload limits as given, the JSON and anonymous limits at their defaults (capped by the commit limit). */
    public HubLimits(long maxRequestBytes, long maxUploadBytes) {
        this(maxRequestBytes, maxUploadBytes, Math.min(DEFAULT_JSON_BYTES, Math.max(1, maxRequestBytes)),
                Math.min(DEFAULT_ANONYMOUS_BYTES, Math.max(1, maxRequestBytes)));
    }

    /** 256 MiB per commit request, 50 GiB per LFS object, 8 MiB per JSON body, 256 KiB without a token. */
    public static HubLimits defaults() {
        return new HubLimits(256L << 20, 50L << 30);
    }

    /**
     * Limits from sizes in MiB as the command line gives them ({@code --max-request-size},
     * {@code --max-upload-size}); anything outside 1..the largest allowed is refused with the option named.
     */
    public static HubLimits ofMiB(long maxRequestMiB, long maxUploadMiB) {
        long maxRequest = MAX_REQUEST_BYTES >> 20;
        if (maxRequestMiB < 1 || maxRequestMiB > maxRequest) {
            throw new HubServerException("--max-request-size must be a whole number of MiB from 1 to " + maxRequest + ", got " + maxRequestMiB,
                    "use e.g. --max-request-size 256, the default");
        }
        long maxUpload = Long.MAX_VALUE >> 20;
        if (maxUploadMiB < 1 || maxUploadMiB > maxUpload) {
            throw new HubServerException("--max-upload-size must be a whole number of MiB from 1 to " + maxUpload + ", got " + maxUploadMiB,
                    "use e.g. --max-upload-size 51200, the default (50 GiB)");
        }
        return new HubLimits(maxRequestMiB << 20, maxUploadMiB << 20);
    }

    private static void check(long value, long max, String what) {
        if (value < 1 || value > max) {
            throw new HubServerException(what + " must be from 1 to " + max + " bytes, got " + value, "pass a positive size");
        }
    }

    /** The body limit of a JSON (or form) route for this caller. */
    long jsonLimit(Principal who) {
        return who == null ? Math.min(maxAnonymousBytes, maxJsonBytes) : maxJsonBytes;
    }
}
