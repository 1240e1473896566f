package dev.graft.engine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.util.Json;
import dev.graft.util.Lazy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the engine computes right on this machine: {@link NumericsCheck} once per CPU, engine
 * version, thread count and oneDNN ISA setting, its verdict kept beside DJL's extracted natives.
 *
 * <p>On a machine where the default kernels are wrong, the command line restarts itself with
 * {@link #SAFE_ISA} (the oneDNN kernels known to be right there); a Java program gets a
 * {@link WrongNumerics} error that says to set it. {@code -Dgraft.numerics.check=false} skips the check.
 *
 * <pre>{@code
 * EngineNumerics.Verdict v = EngineNumerics.verdict();   // cached after the first call on a machine
 * System.out.println(v.ok() + " " + v.worst());
 * }</pre>
 */
public final class EngineNumerics {
    /** The environment variable oneDNN reads once, when its first kernel is made. */
    public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";
    /** The ISA the command line falls back to where the default kernels fail the check. */
    public static final String SAFE_ISA = "AVX2";
    /** Bumped when the checked cases change, so old verdicts are not reused. */
    static final int CHECK_VERSION = 2;

    private static final Lazy<Verdict> CURRENT = new Lazy<>(EngineNumerics::checkedVerdict);

    private EngineNumerics() {}

    /** The check's outcome on this machine and settings. */
    public record Verdict(boolean ok, double worst, String failure, String isa, boolean cached) {}

    /** Thrown where the engine's kernels fail the check: training would give wrong numbers. */
    public static final class WrongNumerics extends GraftException {
        public WrongNumerics(String message, String fix) {
            super(message, fix);
        }
    }

    /** The verdict for the current settings: from the cache, else by running the check now (a fraction of a second). */
    public static Verdict verdict() {
        return CURRENT.get();
    }

    private static Verdict checkedVerdict() {
        String key = signature();
        Verdict cached = read(key);
        if (cached != null) {
            return cached;
        }
        NumericsCheck.Report r = NumericsCheck.run();
        Verdict v = new Verdict(r.ok(), r.worst(), r.firstFailure(), isaSetting(), false);
        write(key, v);
        return v;
    }

    /** The cached verdict for the current settings without running anything, or null if there is none yet. */
    public static Verdict cachedVerdict() {
        Verdict v = CURRENT.ifMade();
        return v != null ? v : read(signature());
    }

    /** Throws {@link WrongNumerics} if the engine fails the check here; called by {@link Engines#pytorch()}. */
    static void require() {
        if ("false".equals(System.getProperty("graft.numerics.check"))) {
            return;
        }
        Verdict v = verdict();
        if (!v.ok()) {
            boolean tried = isaSetting() != null;
            throw new WrongNumerics("the engine's oneDNN kernels compute wrong results on this CPU with "
                    + ISA_VARIABLE + "=" + (tried ? isaSetting() : "(default)") + ": " + v.failure(),
                    tried ? "report it with the output of java -cp graft.jar dev.graft.engine.NumericsCheck; try "
                            + ISA_VARIABLE + "=SSE41"
                            : "set " + ISA_VARIABLE + "=" + SAFE_ISA + " before starting Java (the graft command does it by itself)");
        }
    }

    /** The oneDNN ISA limit set in the environment, or null for the default. */
    public static String isaSetting() {
        String v = System.getenv(ISA_VARIABLE);
        if (v == null || v.isBlank()) {
            v = System.getenv("DNNL_MAX_CPU_ISA");
        }
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The CPU's model name, as the operating system reports it. */
    public static String cpuName() {
        for (String line : cpuInfo()) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    /** What the kernels oneDNN picks depend on: the CPU, the engine, the threads and the ISA limit. */
    static String signature() {
        StringBuilder s = new StringBuilder("v" + CHECK_VERSION);
        for (String line : cpuInfo()) {
            if (line.startsWith("vendor_id") || line.startsWith("cpu family") || line.startsWith("model")
                    || line.startsWith("flags") || line.startsWith("cache size")) {
                s.append('|').append(line.replaceAll("\\s+", " "));
            }
        }
        s.append("|os=").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"));
        s.append("|cores=").append(Runtime.getRuntime().availableProcessors());
        s.append("|threads=").append(System.getProperty("ai.djl.pytorch.num_threads"));
        s.append("|natives=").append(System.getProperty("graft.torch.version", Engines.TORCH_VERSION));
        s.append("|isa=").append(isaSetting());
        s.append("|tolerance=").append(NumericsCheck.tolerance());
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first processor's lines of /proc/cpuinfo (empty where there is none). */
    private static List<String> cpuInfo() {
        Path p = Path.of("/proc/cpuinfo");
        try {
            List<String> all = Files.readAllLines(p);
            int end = all.indexOf("");
            return end < 0 ? all : all.subList(0, end);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static Path file() {
        Engines.configure();
        String own = System.getProperty("graft.numerics.file");
        return own != null ? Path.of(own) : Path.of(System.getProperty("DJL_CACHE_DIR")).resolve("graft-numerics.json");
    }

    private static Verdict read(String key) {
        Path f = file();
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            var node = Json.MAPPER.readTree(f.toFile()).get(key);
            if (node == null) {
                return null;
            }
            return new Verdict(node.get("ok").asBoolean(), node.get("worst").asDouble(),
                    node.hasNonNull("failure") ? node.get("failure").asText() : null, isaSetting(), true);
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable cache is checked again, not trusted
        }
    }

    private static void write(String key, Verdict v) {
        Path f = file();
        try {
            Files.createDirectories(f.getParent());
            Map<String, Object> all = new LinkedHashMap<>();
            if (Files.isRegularFile(f)) {
                try {
                    Json.MAPPER.readTree(f.toFile()).fields().forEachRemaining(e -> all.put(e.getKey(), e.getValue()));
                } catch (IOException | RuntimeException e) {
                    // rewritten below
                }
            }
            ObjectNode n = Json.MAPPER.createObjectNode();
            n.put("ok", v.ok());
            n.put("worst", v.worst());
            n.put("failure", v.failure());
            n.put("cpu", cpuName());
            n.put("isa", isaSetting());
            all.put(key, n);
            Path tmp = Files.createTempFile(f.getParent(), "graft-numerics", ".tmp");
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), all);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // Not cached: the check runs again next time.
        }
    }
}
