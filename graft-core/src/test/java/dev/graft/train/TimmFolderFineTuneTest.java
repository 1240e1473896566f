package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.TestHome;
import dev.graft.data.DataSplits;
import dev.graft.engine.Engines;
import dev.graft.util.Json;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.TimmFolder;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A folder as timm's push_to_hf_hub writes it keeps its pretrained cfg through create, a head fine-tune and the export. */
class TimmFolderFineTuneTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    @Test
    void headFineTuneKeepsThePretrainedCfg(@TempDir Path tmp) throws Exception {
        Path folder = TimmFolder.write(tmp.resolve("timm"), "small_resnet", 10, 1, 16, 3);
        String source = "local-dir:" + folder;
        PretrainedCfg before = Zoo.create(source).cfg();
        DataSplits splits = new DataSplits(TinyData.make("train", 6, 4, 16, 1), TinyData.make("val", 3, 4, 16, 2),
                TinyData.make("test", 3, 4, 16, 3));
        FineTuneResult r = FineTune.of(source, ZooModels.factory(source, 0.0), "tiny-textures", splits).withStrategy(Strategy.HEAD)
                .withConfig(TrainConfig.defaults().withEpochs(1).withBatchSize(8).withSeed(4)).withOutDir(tmp.resolve("run")).run();

        JsonNode j = Json.MAPPER.readTree(r.runDir().resolve("config.json").toFile());
        TimmFolder.assertTimmLayout(j, "small_resnet", 4, 64, 1, 16);
        assertEquals("[\"class0\",\"class1\",\"class2\",\"class3\"]", j.get("label_names").toString());
        assertEquals("mit", j.get("pretrained_cfg").get("license").asText(), "the weights' licence is kept");
        assertEquals("small_resnet.tiny_in1k", j.get("graft").get("provenance").get("base_model").asText());

        GraftModel back = Weights.load(r.runDir());
        PretrainedCfg after = back.cfg();
        assertEquals(4, back.numClasses());
        for (var field : List.<java.util.function.Function<PretrainedCfg, Object>>of(PretrainedCfg::inputSize, PretrainedCfg::interpolation,
                PretrainedCfg::cropPct, PretrainedCfg::cropMode, PretrainedCfg::mean, PretrainedCfg::std, PretrainedCfg::firstConv,
                PretrainedCfg::classifier, PretrainedCfg::globalPool, PretrainedCfg::numFeatures)) {
            assertEquals(field.apply(before), field.apply(after), before + " -> " + after);
        }
        assertFalse(after.otherFields().containsKey("label_descriptions"));
        assertTrue(r.test().top1() >= 0);
    }
}
