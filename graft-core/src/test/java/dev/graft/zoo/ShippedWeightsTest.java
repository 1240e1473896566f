package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.TestHome;
import dev.graft.advise.FeatureStats;
import dev.graft.data.builtin.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The catalogue on a fresh machine: shipped weights, their sha256, and entries that need a step first. */
class ShippedWeightsTest {
    /** A catalogue entry nobody ships: its weights are made by pretraining. */
    private static final String MADE_HERE = "small_cnn.graft_step_test";
    /** A shipped entry whose files are not on the class path. */
    private static final String ABSENT = "small_resnet.graft_absent_test";

    @RegisterExtension
    static final TestHome home = new TestHome();

    @BeforeAll
    static void isolate() {
        PretrainedCfg base = Zoo.cfg("small_cnn");
        Zoo.registerPretrained(Map.of(MADE_HERE, base.withOrigin("graft_step_test", "apache-2.0", "test", null),
                ABSENT, Zoo.cfg("small_resnet").withOrigin("graft_absent_test", "apache-2.0", "test", null)));
        Zoo.registerShippedWeights(new ShippedWeights(ABSENT, Map.of("model.safetensors", "0".repeat(64), "config.json", "0".repeat(64))));
    }

    /** Every test starts from an empty GRAFT_HOME. */
    @BeforeEach
    void empty() throws IOException {
        try (Stream<Path> s = Files.walk(home.dir())) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(home.dir())) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void everyPretrainedEntryIsCreatableOnAnEmptyHome() {
        List<String> names = Zoo.list(List.of(), List.of(), true);
        assertTrue(names.containsAll(List.of("small_cnn.graft_mnist", "small_cnn.graft_fashion_mnist",
                "small_resnet.graft_mnist", "small_resnet.graft_fashion_mnist", "gpt2_graft_small.graft_wordnet_glosses")), names.toString());
        for (String name : names) {
            assertNull(Zoo.missingStep(name), name);
            ShippedWeights shipped = Zoo.shippedWeights(name);
            if (Zoo.hubWeights(name) != null) {
                continue;  // timm's weights, fetched from the hub on first use (tested against a fake hub in graft-hub)
            }
            if (shipped == null) {
                // Imported on first use from a jar on the class path (MiniLM, 90 MB; its import is tested in text/).
                assertTrue(Zoo.isImported(name), name + " ships no weights and imports none");
                continue;
            }
            GraftModel m = Zoo.create(name, CreateOptions.defaults().withPretrained(true));
            assertEquals(name, m.cfg().name());
            Path dir = Weights.catalogueDir(name);
            for (Map.Entry<String, String> f : shipped.sha256().entrySet()) {
                assertEquals(f.getValue(), Manifest.sha256(dir.resolve(f.getKey())), name + " " + f.getKey());
            }
            assertTrue(shipped.isCopyIn(dir));
            if (m instanceof dev.graft.zoo.gpt2.Gpt2Model gpt) {
                // Graft's GPT: transformers' config.json, float16 file read as float32; the licence and recipe from the catalogue.
                assertEquals("apache-2.0", m.cfg().license());
                assertTrue(m.cfg().provenance().get("recipe").toString().startsWith("graft --seed 42 lm-pretrain --model gpt2_graft_small"), m.cfg().provenance().toString());
                try (NDManager nd = NDManager.newBaseManager()) {
                    ai.djl.ndarray.NDArray logits = gpt.forwardTokens(null, nd.create(new long[] {464, 3290}).reshape(1, 2), null, null, false).get(1);
                    assertEquals(new Shape(1, 2, 50257), logits.getShape());
                    assertTrue(logits.isInfinite().logicalOr(logits.isNaN()).none().getBoolean(), "finite logits");
                }
                // What generate and lm-finetune load by the tag's name: the shipped weights, not a random network.
                dev.graft.zoo.gpt2.Gpt2Model byName = dev.graft.text.TextGenerator.model(name);
                assertEquals(dir.toAbsolutePath(), byName.weightsDir());
                assertTrue(byName.stateDict().get("transformer.wte.weight").getArray()
                        .contentEquals(gpt.stateDict().get("transformer.wte.weight").getArray()));
                continue;
            }
            if (m instanceof dev.graft.zoo.clip.VisionTextDualEncoder clip) {
                // Graft's CLIP-style model: the ViT's image embeddings; the referenced MiniLM tower filled in, not shipped.
                assertEquals("apache-2.0", m.cfg().license());
                assertEquals(dev.graft.zoo.bert.MiniLm.ID, clip.config().lockedTextModel());
                try (NDManager nd = NDManager.newBaseManager()) {
                    assertEquals(new Shape(2, 256), clip.run(nd.zeros(new Shape(2, 3, 64, 64)), nd.create(new long[][] {{101, 102}, {101, 102}}), null)
                            .imageEmbeds().getShape());
                }
                continue;
            }
            assertEquals(10, m.cfg().labelNames().size());
            try (NDManager nd = NDManager.newBaseManager()) {
                assertEquals(new Shape(2, 10), ((ModelBase) m).predict(nd.zeros(new Shape(2, 1, 28, 28))).getShape());
            }
            // The advisor finds the pretraining feature statistics next to the weights.
            assertEquals(m.numFeatures(), FeatureStats.read(dir.resolve(FeatureStats.FILE)).dim(), name);
        }
    }

    @Test
    void theShippedAccuracyIsInTheConfig() {
        PretrainedCfg cfg = Zoo.cfg("small_cnn.graft_mnist");
        assertTrue(((Number) cfg.provenance().get("test_top1")).doubleValue() > 0.9, cfg.provenance().toString());
        assertTrue(cfg.provenance().get("notes").toString().contains("CC BY-SA 3.0"), "the data licence, from the catalogue");
        assertFalse(Files.exists(Weights.catalogueDir("small_cnn.graft_mnist")), "reading the config copies nothing");
    }

    @Test
    void aChangedShippedFileIsOneClearErrorAndDeletingTheFolderRestoresIt() throws IOException {
        String name = "small_cnn.graft_mnist";
        Zoo.create(name, CreateOptions.defaults().withPretrained(true));
        Path file = Weights.catalogueDir(name).resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        GraftException e = assertThrows(GraftException.class, () -> Zoo.create(name, CreateOptions.defaults().withPretrained(true)));
        assertTrue(e.getMessage().contains("is not the file Graft ships for " + name), e.getMessage());
        assertTrue(e.getMessage().contains(Zoo.shippedWeights(name).sha256().get("model.safetensors")), e.getMessage());
        assertTrue(e.fix().contains("delete " + Weights.catalogueDir(name)), e.fix());
        try (Stream<Path> s = Files.walk(Weights.catalogueDir(name))) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        assertNotNull(Zoo.create(name, CreateOptions.defaults().withPretrained(true)));
    }

    @Test
    void aJarThatDoesNotMatchTheCatalogueIsRefused() {
        ShippedWeights real = Zoo.shippedWeights("small_cnn.graft_fashion_mnist");
        Map<String, String> wrong = new LinkedHashMap<>(real.sha256());
        wrong.put("model.safetensors", "ab".repeat(32));
        Path dir = home.dir().resolve("elsewhere");
        GraftException e = assertThrows(GraftException.class, () -> new ShippedWeights(real.name(), wrong).install(dir));
        assertTrue(e.getMessage().contains("not the catalogue's " + "ab".repeat(32)), e.getMessage());
        assertFalse(Files.exists(dir.resolve("model.safetensors")), "nothing unverified is left behind");
    }

    @Test
    void weightsMadeHereWinOverTheShippedOnes() {
        String name = "small_resnet.graft_mnist";
        GraftModel shipped = Zoo.create(name, CreateOptions.defaults().withPretrained(true));
        // What graft pretrain does: write new weights and a new config.json into the catalogue folder.
        GraftModel own = Zoo.create("small_resnet", CreateOptions.defaults().withSeed(11));
        Weights.save(own, Weights.catalogueDir(name), Zoo.cfg(name));
        assertFalse(Zoo.shippedWeights(name).isCopyIn(Weights.catalogueDir(name)));
        GraftModel back = Zoo.create(name, CreateOptions.defaults().withPretrained(true));
        float[] fc = back.stateDict().get("fc.weight").getArray().toFloatArray();
        assertArrayEquals(own.stateDict().get("fc.weight").getArray().toFloatArray(), fc);
        assertFalse(java.util.Arrays.equals(shipped.stateDict().get("fc.weight").getArray().toFloatArray(), fc));
        assertEquals(1, Zoo.list(List.of(name), List.of(), true).size());
    }

    @Test
    void anEntryNeedingAStepIsHiddenAndItsErrorNamesTheStep() {
        List<String> listed = Zoo.list(List.of("small_*"), List.of(), true);
        assertFalse(listed.contains(MADE_HERE), listed.toString());
        assertFalse(listed.contains(ABSENT), listed.toString());
        ZooException made = assertThrows(ZooException.class, () -> Zoo.create(MADE_HERE, CreateOptions.defaults().withPretrained(true)));
        assertEquals(ZooException.Reason.WEIGHTS_NOT_HERE, made.reason());
        assertEquals(new WeightsStep(null, true, "small_cnn", "step-test"), made.weightsStep());
        assertTrue(made.fix().contains("make them by pretraining small_cnn on step-test"), made.fix());
        GraftException absent = assertThrows(GraftException.class, () -> Zoo.create(ABSENT, CreateOptions.defaults().withPretrained(true)));
        assertTrue(absent.fix().contains("add " + ShippedWeights.ARTIFACT + " to the class path"), absent.fix());
        // Once the step is done (weights made on this machine), the entry is listed and created.
        Weights.save(Zoo.create("small_cnn", CreateOptions.defaults().withSeed(3)), Weights.catalogueDir(MADE_HERE), Zoo.cfg(MADE_HERE));
        assertTrue(Zoo.list(List.of("small_*"), List.of(), true).contains(MADE_HERE));
        assertNotNull(Zoo.create(MADE_HERE, CreateOptions.defaults().withPretrained(true)));
    }
}
