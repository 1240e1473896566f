package dev.graft.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.graft.GraftHome;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code graft system}: what Graft runs on — versions, engine, threads, GRAFT_HOME. */
@Command(name = "system", description = "Show versions, the engine, threads and GRAFT_HOME; checks the engine starts offline.")
public final class SystemCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        Engine engine = Engines.pytorch();
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
        if (Output.json()) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(info));
        } else {
            info.forEach((k, v) -> System.out.printf("%-16s %s%n", k, v));
        }
        return 0;
    }
}
