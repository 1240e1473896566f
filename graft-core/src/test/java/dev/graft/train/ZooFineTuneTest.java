package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.TestHome;
import dev.graft.advise.FeatureStats;
import dev.graft.data.DataSplits;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.graft.weights.SafeTensors;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a zoo model: pretrain under a tag, advise, fine-tune with auto, reload the export. */
class ZooFineTuneTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    static DataSplits textures(int perClass, int size, long seed) {
        ImageData all = TinyData.make("tex", perClass, 4, size, seed);
        ImageData val = TinyData.make("tex-val", 3, 4, size, seed + 1);
        ImageData test = TinyData.make("tex-test", 5, 4, size, seed + 2);
        return new DataSplits(all, val, test);
    }

    @Test
    void pretrainAdviseFineTuneAndReload(@TempDir Path runs) throws Exception {
        TrainConfig cfg = TrainConfig.defaults().withEpochs(1).withBatchSize(16).withLr(0.05).withSeed(5);
        Pretrain.Result pre = Pretrain.run("small_cnn", "textures", textures(12, 28, 1), 0, cfg, runs.resolve("pre"), new StopSignal());
        for (String f : List.of("model.safetensors", "config.json", "README.md", FeatureStats.FILE)) {
            assertTrue(Files.isRegularFile(pre.weightsDir().resolve(f)), f);
        }
        assertTrue(Zoo.pretrainedNames().contains("small_cnn.graft_textures"), Zoo.pretrainedNames().toString());
        try (SafeTensors st = SafeTensors.open(pre.weightsDir().resolve("model.safetensors"))) {
            // the one export path: BatchNorm's counters for PyTorch's strict loading, PyTorch's metadata, the recipe
            List<String> counters = st.names().stream().filter(n -> n.endsWith(".running_var"))
                    .map(n -> n.replace(".running_var", ".num_batches_tracked")).toList();
            assertFalse(counters.isEmpty());
            assertTrue(st.names().containsAll(counters), st.names().toString());
            assertEquals("pt", st.metadata().get("format"));
            assertTrue(st.metadata().get("graft_recipe").startsWith("graft pretrain"), st.metadata().toString());
        }

        FineTuneResult r = FineTune.of("small_cnn.graft_textures", ZooModels.factory("small_cnn.graft_textures", 0.0),
                        "textures-small", textures(5, 28, 9)).withStrategy(Strategy.AUTO)
                .withConfig(cfg.withEpochs(2)).withOutDir(runs.resolve("ft")).run();
        assertNotNull(r.advice());
        assertTrue(r.advice().frechetRelative() < 0.5, r.advice().reason());
        assertTrue(r.advice().small() && r.advice().similar(), r.advice().reason());
        assertNotNull(r.advice().probe(), "small data: the probe decides");
        assertEquals(4, r.advice().probe().accuracy().size());
        assertEquals(r.advice().probe().best(), r.strategy(), r.advice().reason());

        GraftModel back = Zoo.create("local-dir:" + r.runDir(), CreateOptions.defaults());
        assertEquals(4, back.numClasses());
        EvalResult again = TrainLoop.evaluate(back::forward, ModelInput.prepare(textures(5, 28, 9).test(), back.cfg()), 64, 0.0);
        assertEquals(r.test().top1(), again.top1(), 1e-9, "the exported model reproduces the reported accuracy");
    }
}
