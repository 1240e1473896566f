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
 * <p>On a machine where the default kernels are wrong, the command line restarts itself with the
 * next of {@link #FALLBACK_ISAS} (AVX2, then SSE4.1: on some CPUs the AVX2 kernels are wrong too),
 * checking each; a Java program gets a {@link WrongNumerics} error that names the setting to try.
 * {@code -Dgraft.numerics.check=false} skips the check.
 *
 * <pre>{@code
 * EngineNumerics.Verdict v = EngineNumerics.verdict();   // cached after the first call on a machine
 * System.out.println(v.ok() + " " + v.worst());
 * }</pre>
 */
public final class EngineNumerics {
    /** The environment variable oneDNN reads once, when its first kernel is made. */
    public static final String ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA";
    /** The ISA limits tried in turn where the kernels fail the check, widest (fastest) first. */
    public static final List<String> FALLBACK_ISAS = List.of("AVX2", "SSE41");
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
        Verdict cached = read(key, isaSetting());
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
        return v != null ? v : read(signature(), isaSetting());
    }

    /** Throws {@link WrongNumerics} if the engine fails the check here; called by {@link Engines#pytorch()}. */
    static void require() {
        if ("false".equals(System.getProperty("graft.numerics.check"))) {
            return;
        }
        Verdict v = verdict();
        if (!v.ok()) {
            String isa = isaSetting();
            String next = nextFallback(isa);
            throw new WrongNumerics("the engine's oneDNN kernels compute wrong results on this CPU with "
                    + ISA_VARIABLE + "=" + (isa != null ? isa : "(default)") + ": " + v.failure(),
                    next != null ? "set " + ISA_VARIABLE + "=" + next + " before starting Java (the graft command does it by itself)"
                            : "report it with the output of java -cp graft.jar dev.graft.engine.NumericsCheck");
        }
    }

    /**
     * The ISA limit to try after {@code isa} failed the check: the first of {@link #FALLBACK_ISAS}
     * for the default kernels, the one after it for a fallback, null when none is left (or the
     * limit is not one of ours).
     */
    public static String nextFallback(String isa) {
        if (isa == null) {
            return FALLBACK_ISAS.get(0);
        }
        int i = FALLBACK_ISAS.indexOf(isa.toUpperCase(java.util.Locale.ROOT));
        return i >= 0 && i + 1 < FALLBACK_ISAS.size() ? FALLBACK_ISAS.get(i + 1) : null;
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
        return signature(isaSetting());
    }

    /** The cached verdict of a run with the ISA limit {@code isa} (null = default), or null if none ran yet. */
    public static Verdict cachedVerdict(String isa) {
        return read(signature(isa), isa);
    }

    /**
     * Where the command line should go from the current setting: the first fallback after it whose
     * cached verdict is not a failure (one restart instead of one per known-bad setting), or null.
     */
    public static String nextUntriedOrPassing(String isa) {
        for (String next = nextFallback(isa); next != null; next = nextFallback(next)) {
            Verdict v = cachedVerdict(next);
            if (v == null || v.ok()) {
                return next;
            }
        }
        return null;
    }

    static String signature(String isa) {
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
        s.append("|isa=").append(isa);
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

    private static Verdict read(String key, String isa) {
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
                    node.hasNonNull("failure") ? node.get("failure").asText() : null, isa, true);
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
