package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the engine fails the numerics check, the graft command restarts itself with
 * ONEDNN_MAX_CPU_ISA=AVX2, then SSE41, and remembers each verdict. A zero tolerance makes every CPU
 * "fail", so every child fails too and the last says which setting it ran with; an infinite one makes
 * every CPU pass.
 */
class SafeIsaRelaunchTest {

    @Test
    void failedCheckRestartsWithTheSafeIsaAndIsRemembered(@TempDir Path tmp) throws Exception {
        Path verdicts = tmp.resolve("numerics.json");
        String[] verb = {"models", "bench", "small_cnn", "--batch", "1", "--size", "28", "--warmup", "0", "--iters", "1"};
        Run first = graft(tmp, verdicts, verb);
        assertEquals(1, first.code, first.output);
        assertTrue(first.output.contains("running with ONEDNN_MAX_CPU_ISA=AVX2"), first.output);
        assertTrue(first.output.contains("AVX2 oneDNN kernels fail Graft's numerics check on this CPU"), first.output);
        assertTrue(first.output.contains("running with ONEDNN_MAX_CPU_ISA=SSE41"), first.output);
        assertTrue(first.output.contains("compute wrong results on this CPU with ONEDNN_MAX_CPU_ISA=SSE41"), first.output);
        JsonNode cached = Json.MAPPER.readTree(verdicts.toFile());
        assertEquals(3, cached.size(), "one verdict for the default kernels, one for AVX2, one for SSE41: " + cached);
        cached.forEach(v -> assertTrue(!v.get("ok").asBoolean()));

        // The second time the cached verdicts send it to the last fallback at once: one restart, not two.
        Run second = graft(tmp, verdicts, verb);
        assertEquals(1, second.code, second.output);
        assertTrue(second.output.contains("running with ONEDNN_MAX_CPU_ISA=SSE41 (AVX2 failed before)"), second.output);
        assertTrue(!second.output.contains("running with ONEDNN_MAX_CPU_ISA=AVX2"), second.output);
    }

    @Test
    void passingCheckRunsInPlace(@TempDir Path tmp) throws Exception {
        Run r = graft(tmp, tmp.resolve("numerics.json"), "system");
        assertEquals(0, r.code, r.output);
        assertTrue(!r.output.contains("running with"), r.output);
        assertTrue(r.output.matches("(?s).*numerics\\s+ok.*"), r.output);
    }

    private record Run(int code, String output) {}

    private static Run graft(Path tmp, Path verdicts, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dgraft.home=" + tmp.resolve("home"), "-Dgraft.numerics.file=" + verdicts,
                "-DDJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR"), "-Dai.djl.offline=true"));
        // 0: every kernel "fails"; Infinity: every kernel "passes", whatever this CPU computes
        cmd.add("-Dgraft.numerics.tolerance=" + (args[0].equals("models") ? "0" : "Infinity"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GraftCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("ONEDNN_MAX_CPU_ISA");
        pb.environment().remove("DNNL_MAX_CPU_ISA");
        pb.environment().remove(SafeIsaRelaunch.MARKER);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "graft did not finish");
        return new Run(p.exitValue(), out);
    }
}
