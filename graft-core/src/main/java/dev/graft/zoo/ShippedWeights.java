package dev.graft.zoo;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.data.builtin.Manifest;
import dev.graft.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights that ship inside Graft: the files of one catalogue entry as resources of the
 * {@code graft-weights} jar ({@code dev/graft/weights/shipped/<arch>.<tag>/}), each with the sha256
 * the catalogue entry states. As timm downloads a checkpoint into its cache and checks its hash,
 * {@link #install(Path)} copies them into {@code GRAFT_HOME/weights/<arch>.<tag>/} on first use,
 * checking every file, and every later load {@link #verify(Path) verifies} the copy again.
 *
 * <p>Graft records the modification time of the {@code config.json} it wrote. While the folder's
 * {@code config.json} is still that file, the folder is Graft's copy and a file that no longer
 * matches its sha256 is an error. Whoever writes weights into the folder ({@code graft pretrain},
 * {@link Weights#save}) writes a new {@code config.json}, so the folder becomes theirs and is
 * used as it is.
 *
 * <pre>{@code
 * ShippedWeights w = new ShippedWeights("small_cnn.graft_mnist", Map.of("model.safetensors", "5f0c...", "config.json", "91ab..."));
 * Path dir = w.install(Weights.catalogueDir("small_cnn.graft_mnist"));
 * }</pre>
 *
 * @param name the catalogue entry, {@code arch.tag}
 * @param sha256 every file of the entry and its sha256 (lower-case hex); must name
 *     {@code model.safetensors} and {@code config.json}
 */
public record ShippedWeights(String name, Map<String, String> sha256) {
    /** Where the entries' folders are on the class path. */
    public static final String RESOURCE_ROOT = "dev/graft/weights/shipped/";
    /** The Maven artifact that holds them. */
    public static final String ARTIFACT = "dev.graft:graft-weights";

    public ShippedWeights {
        if (!sha256.containsKey(ResolvedWeights.WEIGHTS_FILE) || !sha256.containsKey(ResolvedWeights.CONFIG_FILE)) {
            throw new IllegalArgumentException("shipped weights " + name + " must list model.safetensors and config.json");
        }
        sha256 = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
    }

    /** The class-path resource of one file of this entry. */
    public String resource(String file) {
        return RESOURCE_ROOT + name + "/" + file;
    }

    /** Whether every file of the entry is on the class path (the {@code graft-weights} jar is there). */
    public boolean onClassPath() {
        return sha256.keySet().stream().allMatch(f -> loader().getResource(resource(f)) != null);
    }

    /** The step that puts the files on the class path, for messages. */
    public String missingStep() {
        return "add " + ARTIFACT + " to the class path (the graft command has it)";
    }

    /** The entry's {@code config.json} as shipped, read from the class path and checked against its sha256. */
    public PretrainedCfg cfg() {
        byte[] bytes = read(ResolvedWeights.CONFIG_FILE);
        try {
            com.fasterxml.jackson.databind.JsonNode root = Json.MAPPER.readTree(bytes);
            if (root != null && root.has("model_type")) {
                // transformers' config.json (a family reads it from a file): read a copy of the checked bytes
                Path tmp = Files.createTempFile("graft-shipped-", "-" + ResolvedWeights.CONFIG_FILE);
                try {
                    Files.write(tmp, bytes);
                    return PretrainedCfg.read(tmp);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return ConfigJson.read(root, "the shipped config.json of " + name);
        } catch (IOException e) {
            throw new GraftException("the shipped config.json of " + name + " cannot be read: " + e.getMessage(),
                    "rebuild Graft (./graft or mvn package)", e);
        }
    }

    /**
     * Whether {@code dir} holds Graft's copy of these files: its {@code config.json} is the one
     * {@link #install} wrote (recorded modification time). False once someone wrote their own weights there.
     */
    public boolean isCopyIn(Path dir) {
        Path config = dir.resolve(ResolvedWeights.CONFIG_FILE);
        Path record = record();
        try {
            return Files.isRegularFile(config) && Files.isRegularFile(record)
                    && Files.readString(record).strip().equals(Files.getLastModifiedTime(config).toString());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Copies every file into {@code dir} (created), checking each against its sha256 as it is copied,
     * and records the copy; {@code model.safetensors} comes last, so a folder with it is complete.
     *
     * @return {@code dir}
     */
    public Path install(Path dir) {
        try {
            Files.createDirectories(dir);
            for (String file : sha256.keySet()) {
                if (!file.equals(ResolvedWeights.WEIGHTS_FILE)) {
                    copy(file, dir);
                }
            }
            copy(ResolvedWeights.WEIGHTS_FILE, dir);
            Path record = record();
            Files.createDirectories(record.getParent());
            Files.writeString(record, Files.getLastModifiedTime(dir.resolve(ResolvedWeights.CONFIG_FILE)).toString() + "\n");
        } catch (IOException e) {
            throw new GraftException("cannot copy the shipped weights of " + name + " into " + dir + ": " + e.getMessage(),
                    "check that GRAFT_HOME is writable", e);
        }
        return dir;
    }

    /** Checks every file of the entry in {@code dir} against its sha256; the first mismatch is one clear error. */
    public void verify(Path dir) {
        for (Map.Entry<String, String> e : sha256.entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new GraftException("the weights of " + name + " in " + dir + " lack " + e.getKey(),
                        "delete " + dir + "; Graft copies the shipped files there again on next use");
            }
            String found = Manifest.sha256(file);
            if (!found.equals(e.getValue())) {
                throw new GraftException(file + " is not the file Graft ships for " + name + " (sha256 " + found
                        + ", expected " + e.getValue() + "): it was damaged or changed",
                        "delete " + dir + "; Graft copies the shipped files there again on next use");
            }
        }
    }

    /** Where the modification time of the config.json that {@link #install} wrote is kept. */
    private Path record() {
        return GraftHome.root().resolve("cache").resolve("shipped-weights").resolve(name + ".config-mtime");
    }

    private void copy(String file, Path dir) throws IOException {
        Path tmp = Files.createTempFile(dir, file, ".part");
        try {
            String found;
            try (InputStream in = open(file); DigestInputStream d = new DigestInputStream(in, sha())) {
                Files.copy(d, tmp, StandardCopyOption.REPLACE_EXISTING);
                found = HexFormat.of().formatHex(d.getMessageDigest().digest());
            }
            checkShipped(file, found);
            Files.move(tmp, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private byte[] read(String file) {
        try (InputStream in = open(file)) {
            byte[] bytes = in.readAllBytes();
            checkShipped(file, HexFormat.of().formatHex(sha().digest(bytes)));
            return bytes;
        } catch (IOException e) {
            throw new GraftException("cannot read the shipped " + file + " of " + name + ": " + e.getMessage(),
                    "rebuild Graft (./graft or mvn package)", e);
        }
    }

    private void checkShipped(String file, String found) {
        String expected = sha256.get(file);
        if (!found.equals(expected)) {
            throw new GraftException("the shipped " + file + " of " + name + " (" + ARTIFACT + ") has sha256 " + found
                    + ", not the catalogue's " + expected + ": the jar does not match this Graft",
                    "rebuild Graft from one checkout (./graft or mvn package); if you remade the weights, put their sha256 into the catalogue entry");
        }
    }

    private InputStream open(String file) {
        InputStream in = loader().getResourceAsStream(resource(file));
        if (in == null) {
            throw new GraftException("the shipped weights of " + name + " are not on the class path (" + resource(file) + ")",
                    missingStep());
        }
        return in;
    }

    private static ClassLoader loader() {
        ClassLoader l = ShippedWeights.class.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
