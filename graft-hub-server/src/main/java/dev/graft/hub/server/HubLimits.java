package dev.graft.hub.server;

/**
 * Size limits of requests.
 *
 * @param maxRequestBytes largest API request body (commit payloads carry small files in base64)
 * @param maxUploadBytes largest single LFS object upload
 */
public record HubLimits(long maxRequestBytes, long maxUploadBytes) {
    /** 256 MiB per API request, 50 GiB per LFS object. */
    public static HubLimits defaults() {
        return new HubLimits(256L << 20, 50L << 30);
    }
}
