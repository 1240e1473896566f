package dev.graft.data.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.graft.GraftException;
import dev.graft.data.DataException;
import dev.graft.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a cached data set folder holds: each file's size and sha256, where it came from and when.
 * Written as {@code manifest.json} last, after every file is verified, so its presence means the
 * folder is complete; checked again on every load.
 *
 * @param name data set name
 * @param source where the files came from (package, version, or local folder)
 * @param fetched ISO-8601 time of the fetch
 * @param files file name to its size and sha256
 */
public record Manifest(
        @JsonProperty("name") String name,
        @JsonProperty("source") String source,
        @JsonProperty("fetched") String fetched,
        @JsonProperty("files") Map<String, Entry> files) {

    /** The file name Graft writes into every cached data set folder. */
    public static final String FILE_NAME = "manifest.json";

    /** One file's size in bytes and sha256 in lower-case hex. */
    public record Entry(@JsonProperty("size") long size, @JsonProperty("sha256") String sha256) {}

    public Manifest {
        files = new TreeMap<>(files);
    }

    /** Reads {@code dir/manifest.json}. */
    public static Manifest read(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        try {
            return Json.MAPPER.readValue(file.toFile(), Manifest.class);
        } catch (IOException e) {
            throw DataException.damaged(String.valueOf(dir.getFileName()), "the manifest " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Writes {@code dir/manifest.json}. */
    public void write(Path dir) {
        try {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE_NAME).toFile(), this);
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve(FILE_NAME) + ": " + e.getMessage(), "check free space and permissions");
        }
    }

    /** Checks every listed file's size and sha256; an error names the first file that differs. */
    public void verify(Path dir) {
        for (Map.Entry<String, Entry> e : files.entrySet()) {
            Path file = dir.resolve(e.getKey());
            long size;
            try {
                size = Files.size(file);
            } catch (NoSuchFileException ex) {
                throw DataException.damaged(name, "data set '" + name + "': file " + file + " is missing");
            } catch (IOException ex) {
                throw DataException.damaged(name, "data set '" + name + "': cannot read " + file + ": " + ex.getMessage());
            }
            if (size != e.getValue().size()) {
                throw DataException.damaged(name, "data set '" + name + "': file " + file + " has " + size + " bytes, the manifest says "
                        + e.getValue().size() + " (damaged or changed)");
            }
            String sha = sha256(file);
            if (!sha.equals(e.getValue().sha256())) {
                throw DataException.damaged(name, "data set '" + name + "': file " + file + " has sha256 " + sha
                        + " but the manifest says " + e.getValue().sha256() + " (damaged or changed)");
            }
        }
    }

    /** The sha256 of a file in lower-case hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check the file");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
