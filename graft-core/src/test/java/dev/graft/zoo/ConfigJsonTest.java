package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.TestHome;
import dev.graft.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** config.json in timm's layout, Graft's earlier flat one, transformers' fields, and bad files. */
class ConfigJsonTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    private static Path configFile(Path dir, String json) throws Exception {
        Path f = dir.resolve("config.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsTimmsLayoutWithItsPretrainedCfg(@TempDir Path dir) throws Exception {
        PretrainedCfg c = PretrainedCfg.read(configFile(dir, TimmFolder.config("resnet18", 3, 512, 3, 32)));
        assertEquals("resnet18.tiny_in1k", c.name());
        assertEquals(3, c.numClasses());
        assertEquals(512, c.numFeatures());
        assertEquals(List.of("c0", "c1", "c2"), c.labelNames());
        assertEquals(List.of(3, 32, 32), c.inputSize());
        assertEquals("bicubic", c.interpolation());
        assertEquals(0.95, c.cropPct());
        assertEquals("center", c.cropMode());
        assertEquals(TimmFolder.RGB_MEAN, c.mean());
        assertEquals(TimmFolder.RGB_STD, c.std());
        assertEquals("conv1", c.firstConv());
        assertEquals("fc", c.classifier());
        assertEquals("avg", c.globalPool());
        assertEquals("mit", c.license());
        assertEquals("arXiv:2110.00476", c.otherFields().get("paper_ids"));
        assertEquals(List.of(1, 1), c.otherFields().get("pool_size"));
        assertFalse(c.otherFields().containsKey("num_classes"), "read into its own field");
    }

    @Test
    void writesTimmsLayoutAndReadsItBack(@TempDir Path dir) throws Exception {
        PretrainedCfg c = PretrainedCfg.read(configFile(dir, TimmFolder.config("small_resnet", 2, 64, 1, 16)))
                .withOrigin("ft", "apache-2.0", "graft finetune", Map.of("seed", 3));
        Path out = dir.resolve("out.json");
        c.write(out);
        JsonNode j = Json.MAPPER.readTree(out.toFile());
        TimmFolder.assertTimmLayout(j, "small_resnet", 2, 64, 1, 16);
        assertEquals("c1", j.get("label_names").get(1).asText());
        assertEquals(1, j.get("model_args").get("in_chans").asInt(), "timm builds 3 channels unless told");
        assertEquals("ft", j.get("pretrained_cfg").get("tag").asText());
        assertEquals("graft finetune", j.get("graft").get("source").asText(), "Graft's own fields are under 'graft'");
        assertEquals(3, j.get("graft").get("provenance").get("seed").asInt());
        assertEquals(c, PretrainedCfg.read(out));
    }

    @Test
    void readsGraftsEarlierFlatLayout(@TempDir Path dir) throws Exception {
        // What Graft wrote before the timm layout (and what the shipped weights still carry).
        PretrainedCfg c = PretrainedCfg.read(configFile(dir, """
                {"architecture": "small_cnn", "tag": "graft_mnist", "num_classes": 2, "num_features": 128,
                 "label_names": ["a", "b"], "input_size": [1, 28, 28], "interpolation": "bilinear", "crop_pct": 1.0,
                 "mean": [0.1307], "std": [0.3081], "first_conv": "stem.conv", "classifier": "fc", "license": "apache-2.0",
                 "source": "trained by Graft on MNIST", "provenance": {"dataset": "MNIST"}}
                """));
        assertEquals("small_cnn.graft_mnist", c.name());
        assertEquals(List.of("a", "b"), c.labelNames());
        assertEquals(List.of(0.1307), c.mean());
        assertEquals("trained by Graft on MNIST", c.source());
        assertEquals("MNIST", c.provenance().get("dataset"));
        assertEquals("center", c.cropMode(), "timm's default");
        assertEquals("avg", c.globalPool(), "the architecture's");
        assertTrue(c.otherFields().isEmpty(), c.otherFields().toString());
    }

    @Test
    void readsTransformersLabelsAndTimmModelArgs(@TempDir Path dir) throws Exception {
        // transformers' timm wrapper: timm's layout plus model_type, architectures and id2label.
        PretrainedCfg c = PretrainedCfg.read(configFile(dir, """
                {"architecture": "resnet18", "model_type": "timm_wrapper", "architectures": ["TimmWrapperForImageClassification"],
                 "num_classes": 2, "id2label": {"1": "dog", "0": "cat"}, "label2id": {"cat": 0, "dog": 1},
                 "model_args": {"in_chans": 1, "img_size": 64},
                 "pretrained_cfg": {"input_size": [3, 224, 224], "classifier": "fc"}}
                """));
        assertEquals(List.of("cat", "dog"), c.labelNames());
        assertEquals(List.of(1, 64, 64), c.inputSize(), "model_args win, as in timm's create_model");
        assertEquals(1, c.mean().size(), "the architecture's default mean, for one channel");
        assertEquals("bilinear", c.interpolation(), "what the pretrained cfg leaves out comes from the architecture");
        assertEquals(0.875, c.cropPct());
    }

    private static String oneLine(Path dir, String json) throws Exception {
        Path f = configFile(dir, json);
        GraftException e = assertThrows(GraftException.class, () -> PretrainedCfg.read(f));
        String line = e.oneLine();
        assertTrue(line.contains(f.toString()), "names the file: " + line);
        assertFalse(line.contains("\n"), "one line: " + line);
        assertTrue(e.fix() != null && !e.fix().isBlank(), "has a fix: " + line);
        return line;
    }

    @Test
    void badConfigsAreOneLineNamingTheFileAndTheFix(@TempDir Path dir) throws Exception {
        String unknown = oneLine(dir, TimmFolder.config("regnety_040", 3, 1280, 3, 32));
        assertTrue(unknown.contains("names architecture 'regnety_040', which Graft does not build") && unknown.contains("Zoo.list()"),
                unknown);
        assertTrue(oneLine(dir, TimmFolder.config("resnet", 3, 512, 3, 32)).contains("did you mean resnet18"));
        String missing = oneLine(dir, "{\"architecture\": \"resnet18\", \"num_classes\": 10}");
        assertTrue(missing.contains("has no pretrained_cfg") && missing.contains("\"input_size\":[3,224,224]"), missing);
        String type = oneLine(dir, TimmFolder.config("resnet18", 3, 512, 3, 32).replace("[3, 32, 32]", "\"32\""));
        assertTrue(type.contains("'input_size' is \"32\"") && type.contains("[3, 224, 224]"), type);
        String labels = oneLine(dir, TimmFolder.config("resnet18", 3, 512, 3, 32).replace("\"num_classes\": 3,\n  \"num_features\"",
                "\"num_classes\": 4,\n  \"num_features\""));
        assertTrue(labels.contains("lists 3 label_names for num_classes=4"), labels);
        String channels = oneLine(dir, TimmFolder.config("resnet18", 3, 512, 3, 32).replace("[0.5, 0.4, 0.3]", "[0.5]"));
        assertTrue(channels.contains("1 mean values for 3 input channels"), channels);
        String swin = oneLine(dir, "{\"model_type\": \"swin\", \"architectures\": [\"SwinForImageClassification\"], \"image_size\": 224}");
        assertTrue(swin.contains("transformers config of model_type 'swin'") && swin.contains("model_type bert, clip, distilbert, gpt2, roberta, vision-text-dual-encoder, vit"), swin);
        assertTrue(oneLine(dir, "[1, 2]").contains("is not a JSON object"));
        assertTrue(oneLine(dir, "{\"architecture\": ").contains("cannot read"));
    }

    @Test
    void classesDisagreeingWithTheClassifierAreRefusedBeforeBuilding(@TempDir Path dir) throws Exception {
        Path folder = TimmFolder.write(dir.resolve("m"), "small_resnet", 10, 1, 16, 1);
        Path config = folder.resolve("config.json");
        Files.writeString(config, TimmFolder.config("small_resnet", 5, 64, 1, 16));
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create("local-dir:" + folder));
        assertTrue(e.getMessage().contains(config + " says num_classes=5, but fc.weight in"), e.oneLine());
        assertTrue(e.fix().contains("set \"num_classes\": 10 in " + config), e.oneLine());
        assertThrows(GraftException.class, () -> Zoo.create("local-dir:" + folder, CreateOptions.defaults().withNumClasses(3)),
                "a new head does not hide it");
    }

    @Test
    void sourcesDescribeTheirModel(@TempDir Path dir) throws Exception {
        Path folder = TimmFolder.write(dir.resolve("m"), "small_resnet", 3, 1, 16, 1);
        PretrainedCfg c = Zoo.cfg("local-dir:" + folder);
        assertEquals("small_resnet.tiny_in1k", c.name());
        assertEquals(folder.resolve("model.safetensors"), Zoo.source("local-dir:" + folder).weightsFile());
        ModelBase m = (ModelBase) Zoo.create("local-dir:" + folder);
        assertEquals(c, m.cfg());
        assertTrue(m.loadReport().isExact(), m.loadReport().summary());
    }
}
