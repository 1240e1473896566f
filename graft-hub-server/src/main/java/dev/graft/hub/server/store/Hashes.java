package dev.graft.hub.server.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Hash helpers: sha256 and git's blob sha1. */
public final class Hashes {
    private Hashes() {}

    public static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from this JVM", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static String sha256(byte[] data) {
        return hex(digest("SHA-256").digest(data));
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Git's object id of a blob: sha1 of {@code "blob <size>\0" + content}. */
    public static String gitBlobSha1(byte[] content) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return hex(sha1.digest(content));
    }

    /** Whether the text is 64 lower-case hex digits. */
    public static boolean isSha256(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }
}
