package dev.graft.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.GraftHome;
import dev.graft.engine.EngineNumerics;
import dev.graft.engine.Engines;
import dev.graft.engine.NumericsCheck;
import dev.graft.progress.Output;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft system}: what Graft runs on — versions, engine, threads, GRAFT_HOME. */
@Command(name = "system", description = "Show versions, the engine, threads and GRAFT_HOME; checks the engine starts offline.")
public final class SystemCommand implements Callable<Integer> {
    @Option(names = "--numerics", description = "Run the engine's numerics check again and print its table (convolution and GELU"
            + " output and gradients against a double-precision reference); exit 1 if a result is wrong.")
    boolean numerics;

    @Override
    public Integer call() throws Exception {
        // start(), not pytorch(): this verb reports a failed numerics check instead of refusing to run.
        Engine engine = Engines.start();
        if (numerics) {
            NumericsCheck.Report r = NumericsCheck.run();
            System.out.print(r.table());
            System.out.println(r.ok() ? "numerics: ok" : "numerics: WRONG: " + r.firstFailure());
            return r.ok() ? 0 : 1;
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("graft", GraftCli.versionProperties().getProperty("version", "dev"));
        info.put("java", System.getProperty("java.version"));
        info.put("engine", engine.getEngineName() + " " + engine.getVersion());
        info.put("djl", GraftCli.versionProperties().getProperty("djl", "?"));
        info.put("offline", System.getProperty("ai.djl.offline"));
        info.put("threads", Engines.threads());
        info.put("interop_threads", Integer.parseInt(System.getProperty("ai.djl.pytorch.num_interop_threads")));
        info.put("cores", Runtime.getRuntime().availableProcessors());
        info.put("graft_home", GraftHome.root().toString());
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray check = nd.arange(6f).reshape(2, 3).matMul(nd.ones(new ai.djl.ndarray.types.Shape(3, 1)));
            info.put("engine_check", check.sum().getFloat() == 15f ? "ok" : "WRONG RESULT");
        }
        EngineNumerics.Verdict verdict = EngineNumerics.verdict();
        info.put("numerics", (verdict.ok() ? "ok" : "WRONG: " + verdict.failure()) + String.format(java.util.Locale.ROOT,
                " (oneDNN convolution and GELU vs a double-precision reference, worst relative error %.1e%s)", verdict.worst(), verdict.cached() ? ", cached" : ""));
        info.put("onednn_isa", EngineNumerics.isaSetting() == null ? "default" : EngineNumerics.isaSetting());
        if (Output.json()) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        } else {
            info.forEach((k, v) -> System.out.printf("%-16s %s%n", k, v));
        }
        return 0;
    }
}
