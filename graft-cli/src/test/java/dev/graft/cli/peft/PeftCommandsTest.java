package dev.graft.cli.peft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.engine.Engines;
import dev.graft.peft.LoraAdapter;
import dev.graft.peft.LoraConfig;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft peft merge / unmerge} on a tiny random BERT and an adapter whose B is not zero. */
class PeftCommandsTest {
    @TempDir
    static Path home;
    static ClientEnv env;

    @BeforeAll
    static void engine() {
        env = ClientEnv.home(home);
        Engines.pytorch();
    }

    @AfterAll
    static void restore() {
        env.close();
    }

    private static Path bert(String name, int hidden, int seed) throws Exception {
        Path dir = Files.createDirectories(home.resolve(name));
        BertConfig cfg = BertConfig.of(hidden, 2, 2, 32, 64, 30522, 2, false);
        cfg.write(dir.resolve("config.json"));
        try (NDManager nd = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            BertModel m = new BertModel(cfg);
            m.initialize(nd);
            BertWeights.write(m.stateDict(), dir.resolve("model.safetensors"));
        }
        return dir;
    }

    private static Map<String, NDArray> weights(NDManager nd, Path dir) {
        return BertWeights.read(nd, dir.resolve("model.safetensors"));
    }

    @Test
    void mergeThenUnmergeGivesTheBaseBackAndOtherDimensionsFailInOneLine() throws Exception {
        Path base = bert("base", 16, 3);
        GraftModel m = Zoo.create("local-dir:" + base, CreateOptions.defaults());
        Path adapter = home.resolve("adapter");
        try (LoraAdapter a = LoraAdapter.create(m, LoraConfig.defaults().withBaseModel(base.toString()))) {
            for (Parameter p : a.stateDict().values()) {
                p.getArray().set(p.getArray().getManager().randomNormal(0, 0.2f, p.getArray().getShape(), p.getArray().getDataType()).toFloatArray());
            }
            a.save(adapter);
        }
        CliRun merged = CliRun.run("peft", "merge", adapter.toString(), "--out", home.resolve("merged").toString());
        assertEquals(0, merged.code, merged.err);
        assertTrue(merged.out.contains("none extra"), merged.out);
        CliRun back = CliRun.run("peft", "unmerge", home.resolve("merged").toString(), "--adapter", adapter.toString(),
                "--out", home.resolve("back").toString());
        assertEquals(0, back.code, back.err);
        try (NDManager nd = NDManager.newBaseManager()) {
            Map<String, NDArray> b = weights(nd, base);
            Map<String, NDArray> mm = weights(nd, home.resolve("merged"));
            Map<String, NDArray> r = weights(nd, home.resolve("back"));
            assertEquals(b.keySet(), mm.keySet(), "the merged model has the base's parameters, none extra");
            String q = "encoder.layer.0.attention.self.query.weight";
            assertFalse(b.get(q).allClose(mm.get(q), 1e-4, 1e-4, false), "merging changed nothing");
            b.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), r.get(k).toFloatArray(), 1e-5f, k));
        }

        Path wide = bert("wide", 32, 4);
        Files.writeString(adapter.resolve("adapter_config.json"),
                Files.readString(adapter.resolve("adapter_config.json")).replace(base.toString(), wide.toString()));
        CliRun bad = CliRun.run("peft", "merge", adapter.toString(), "--out", home.resolve("bad").toString());
        assertEquals(1, bad.code);
        assertEquals(1, bad.err.strip().lines().count(), bad.err);
        assertTrue(bad.err.contains("does not fit") && bad.err.contains("other dimensions"), bad.err);

        Files.writeString(adapter.resolve("adapter_config.json"),
                Files.readString(adapter.resolve("adapter_config.json")).replace(wide.toString(), home.resolve("missing").toString()));
        CliRun missing = CliRun.run("peft", "merge", adapter.toString(), "--out", home.resolve("bad2").toString());
        assertEquals(1, missing.code);
        assertEquals(1, missing.err.strip().lines().count(), missing.err);
        assertTrue(missing.err.contains("base model"), missing.err);
    }
}
