package dev.graft.zeroshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.util.Json;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.BertWeights;
import dev.graft.zoo.bert.MiniLm;
import dev.graft.zoo.bert.TinyBert;
import dev.graft.zoo.clip.VisionTextDualEncoder;
import dev.graft.zoo.vit.ViTConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CLIP-style training on tiny configurations: the loss falls, the export loads back, bad input is one line. */
class ClipTrainerTest {
    @TempDir
    Path tmp;

    static final List<String> COLOURS = List.of("red", "green", "blue", "yellow", "black", "purple");
    static final float[][] RGB = {{1, 0, 0}, {0, 0.8f, 0}, {0, 0, 1}, {1, 1, 0}, {0, 0, 0}, {0.6f, 0, 0.8f}};

    /** Three 16x16 images per colour: a square of the colour on white at a random place. */
    static ImageData squares(long seed) {
        int n = COLOURS.size() * 3;
        int side = 16;
        float[] px = new float[n * 3 * side * side];
        java.util.Arrays.fill(px, 1f);
        int[] labels = new int[n];
        Random rnd = new Random(seed);
        for (int i = 0; i < n; i++) {
            int c = i % COLOURS.size();
            labels[i] = c;
            int top = rnd.nextInt(6);
            int left = rnd.nextInt(6);
            for (int ch = 0; ch < 3; ch++) {
                for (int y = top; y < top + 10; y++) {
                    for (int x = left; x < left + 10; x++) {
                        px[((i * 3 + ch) * side + y) * side + x] = RGB[c][ch];
                    }
                }
            }
        }
        return new ImageData("squares", COLOURS, 3, side, side, px, labels);
    }

    static Map<String, List<String>> captions() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String c : COLOURS) {
            m.put(c, ClipTrainer.captions(c, List.of(c + " square")));
        }
        return m;
    }

    ClipTrainer.Options tiny(ClipTrainer.Mode mode) throws Exception {
        Path text = TinyBert.folder(tmp.resolve("tiny-bert"), 3);
        ViTConfig vit = new ViTConfig(null, null, 16, 1, 2, 32, "gelu", 1e-12, 16, 8, 3, true, 0, 0, 0.02, null).shape();
        return ClipTrainer.Options.defaults().withMode(mode).withVision(vit).withTextModel(text.toString()).withProjectionDim(8)
                .withEpochs(12).withBatchSize(6).withLearningRate(2e-2).withSeed(7);
    }

    @Test
    void litLearnsAndItsExportReferencesTheTextTowerAndLoadsBackIdentically() throws Exception {
        Path dir = tmp.resolve("lit");
        // all-MiniLM-L6-v2 (imported once from the bundled ONNX file): a random tiny BERT's [CLS] barely depends on the text
        ClipTrainer.Result r = ClipTrainer.train(List.of(squares(1)), captions(), tiny(ClipTrainer.Mode.LIT).withTextModel("all-MiniLM-L6-v2"), dir, null);
        double[] l = r.epochLosses();
        assertEquals(12, l.length);
        assertTrue(l[l.length - 1] < 0.8 * l[0], java.util.Arrays.toString(l));
        JsonNode config = Json.MAPPER.readTree(dir.resolve("config.json").toFile());
        assertEquals("vision-text-dual-encoder", config.get("model_type").asText());
        assertEquals(MiniLm.ID, config.get("locked_text_model").asText());
        assertTrue(config.has("vision_config") && config.has("text_config"));
        for (String f : List.of("model.safetensors", "tokenizer.json", "preprocessor_config.json", "README.md", "curves.png", "metrics.jsonl")) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            java.util.Set<String> keys = BertWeights.read(nd, Checkpoint.locate(dir)).keySet();
            assertTrue(keys.contains("text_model.pooler.dense.weight") && keys.contains("logit_scale") && keys.contains("text_projection.weight"));
            assertFalse(keys.stream().anyMatch(k -> k.startsWith("text_model.encoder.") || k.startsWith("text_model.embeddings.")), keys.toString());
        }
        VisionTextDualEncoder back = (VisionTextDualEncoder) Zoo.create("local-dir:" + dir);
        assertSameOutputs(r.model(), back);
        // the locked tower is the referenced model's: unchanged by training
        try (NDManager nd = NDManager.newBaseManager()) {
            float[] trained = back.textModel().stateDict().get("embeddings.word_embeddings.weight").getArray().toFloatArray();
            float[] original = BertWeights.read(nd, Checkpoint.locate(MiniLm.dir())).get("embeddings.word_embeddings.weight").toFloatArray();
            assertArrayEquals(original, trained, 0f);
        }
        // the folder opens for image zero-shot: one class vector per name, one embedding per image, in the projection's width
        try (ImageZeroShot zs = ImageZeroShot.open(dir.toString())) {
            ZeroShotClassifier c = zs.classifier(COLOURS, ClipTrainer.TEMPLATES);
            float[][] images = zs.embed(squares(1));
            assertEquals(COLOURS.size(), c.weights().length);
            assertEquals(8, images[0].length);
            assertEquals(COLOURS.size(), c.rank(images[0]).size());
        }
    }

    @Test
    void fullTrainingChangesBothTowersAndStoresThem() throws Exception {
        Path dir = tmp.resolve("full");
        ClipTrainer.Result r = ClipTrainer.train(List.of(squares(1), squares(2)), captions(), tiny(ClipTrainer.Mode.FULL).withEpochs(4), dir, null);
        assertTrue(r.epochLosses()[3] < r.epochLosses()[0], java.util.Arrays.toString(r.epochLosses()));
        assertEquals(36, r.images());
        assertFalse(Json.MAPPER.readTree(dir.resolve("config.json").toFile()).has("locked_text_model"));
        try (NDManager nd = NDManager.newBaseManager()) {
            float[] original = BertWeights.read(nd, Checkpoint.locate(tmp.resolve("tiny-bert"))).get("encoder.layer.0.attention.self.query.weight")
                    .toFloatArray();
            float[] stored = BertWeights.read(nd, Checkpoint.locate(dir)).get("text_model.encoder.layer.0.attention.self.query.weight").toFloatArray();
            assertNotEquals(java.util.Arrays.toString(original), java.util.Arrays.toString(stored));
        }
        assertSameOutputs(r.model(), (VisionTextDualEncoder) Zoo.create("local-dir:" + dir));
    }

    @Test
    void sameClassPairsShareTheTargetInBothDirections() {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray img = dev.graft.zoo.bert.BertModel.normalize(nd.create(new float[] {1, 0, 0, 1, 0.8f, 0.6f}, new Shape(3, 2)));
            NDArray txt = dev.graft.zoo.bert.BertModel.normalize(nd.create(new float[] {0.9f, 0.1f, 0.2f, 1, 0.5f, 0.5f}, new Shape(3, 2)));
            NDArray logScale = nd.create((float) Math.log(2));
            int[][] labelSets = {{0, 1, 2}, {0, 1, 0}};
            for (int[] labels : labelSets) {
                double expected = (softTargetLoss(img, txt, 2, labels) + softTargetLoss(txt, img, 2, labels)) / 2;
                assertEquals(expected, ClipTrainer.contrastiveLoss(img, txt, logScale, labels).getFloat(), 1e-5);
            }
            // the scale is clamped at 100 however large logit_scale grows
            assertEquals(softTargetLoss(img, txt, 100, labelSets[0]) / 2 + softTargetLoss(txt, img, 100, labelSets[0]) / 2,
                    ClipTrainer.contrastiveLoss(img, txt, nd.create(9f), labelSets[0]).getFloat(), 1e-4);
        }
    }

    /** Mean over rows i of -sum_j t_ij log softmax(scale * a_i . b_j), t spread evenly over the same-label j. */
    private static double softTargetLoss(NDArray a, NDArray b, double scale, int[] labels) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        int n = labels.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] z = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                z[j] = scale * (x[2 * i] * y[2 * j] + x[2 * i + 1] * y[2 * j + 1]);
                max = Math.max(max, z[j]);
            }
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            double lse = max + Math.log(sum);
            int same = 0;
            for (int j = 0; j < n; j++) {
                same += labels[j] == labels[i] ? 1 : 0;
            }
            for (int j = 0; j < n; j++) {
                if (labels[j] == labels[i]) {
                    total -= (z[j] - lse) / same / n;
                }
            }
        }
        return total;
    }

    @Test
    void badInputIsOneClearLine() throws Exception {
        ImageData empty = squares(1).subset("nothing seen", new int[0]);
        GraftException e = assertThrows(GraftException.class,
                () -> ClipTrainer.train(List.of(empty), captions(), tiny(ClipTrainer.Mode.LIT), tmp.resolve("x"), null));
        assertTrue(e.getMessage().contains("no seen classes"), e.getMessage());
        e = assertThrows(GraftException.class, () -> EmojiClip.dataset("emoji-klingon"));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        e = assertThrows(GraftException.class, () -> EmojiClip.dataset("digits"));
        assertTrue(e.getMessage().contains("not one of the emoji data sets"), e.getMessage());
        e = assertThrows(GraftException.class, () -> ClipTrainer.Mode.parse("half"));
        assertTrue(e.getMessage().contains("unknown CLIP training mode 'half'"), e.getMessage());
        Map<String, List<String>> missing = new LinkedHashMap<>(captions());
        missing.remove("blue");
        e = assertThrows(GraftException.class, () -> ClipTrainer.train(List.of(squares(1)), missing, tiny(ClipTrainer.Mode.LIT), tmp.resolve("y"), null));
        assertTrue(e.getMessage().contains("class 'blue' has no caption"), e.getMessage());
    }

    private static void assertSameOutputs(VisionTextDualEncoder a, VisionTextDualEncoder b) {
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(-1f, 1f, new Shape(2, 3, 16, 16));
            NDArray ids = nd.create(new long[][] {{101, 2417, 102}, {101, 2630, 102}});
            NDArray mask = nd.create(new long[][] {{1, 1, 1}, {1, 1, 1}});
            assertArrayEquals(a.run(x, ids, mask).logitsPerImage().toFloatArray(), b.run(x, ids, mask).logitsPerImage().toFloatArray(), 0f);
        }
    }
}
