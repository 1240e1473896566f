package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.TestHome;
import dev.graft.weights.LoadReport;
import dev.graft.weights.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ZooCreateTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    private static float[] weightOf(GraftModel m, String key) {
        return m.stateDict().get(key).getArray().toFloatArray();
    }

    @Test
    void smallModelsRunOn28x28AndExposeTheContract() {
        for (String name : List.of("small_cnn", "small_resnet")) {
            ModelBase m = (ModelBase) Zoo.create(name, CreateOptions.defaults().withSeed(1));
            try (NDManager nd = NDManager.newBaseManager()) {
                NDArray x = nd.randomUniform(0f, 1f, new Shape(2, 1, 28, 28));
                assertEquals(new Shape(2, 10), m.predict(x).getShape());
                NDArray feats = m.forwardFeatures(null, x, false);
                assertEquals(new Shape(2, m.numFeatures()), m.forwardHead(null, feats, false, true).getShape());
                NDList inter = m.forwardIntermediates(null, x, new int[] {0, 1, 2, 3}, false);
                for (int i = 0; i < 4; i++) {
                    FeatureInfo fi = m.featureInfo().get(i);
                    assertEquals(new Shape(2, fi.channels(), (28 + fi.reduction() - 1) / fi.reduction(),
                            (28 + fi.reduction() - 1) / fi.reduction()), inter.get(i).getShape(), name + " " + fi);
                }
            }
            assertEquals(List.of("stem", "stage1", "stage2", "stage3", "head"),
                    m.groupMatcher().stream().map(ParamGroup::name).toList());
            for (String key : m.stateDict().keySet()) {
                assertEquals(1, m.groupMatcher().stream().filter(g -> g.matches(key)).count(), key + " in exactly one group");
            }
            assertEquals(10, m.numClasses());
            assertTrue(m.numParams() > 10_000 && m.numParams() < 500_000, name + " " + m.numParams());
        }
    }

    @Test
    void numClassesReplacesTheHeadAndZeroRemovesIt() {
        GraftModel m = Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(3));
        assertEquals(new Shape(3, 128), m.stateDict().get("fc.weight").getArray().getShape());
        m.resetClassifier(0);
        assertFalse(m.stateDict().containsKey("fc.weight"));
        m.resetClassifier(7);
        assertEquals(new Shape(7, 128), m.stateDict().get("fc.weight").getArray().getShape());
        assertEquals(7, m.cfg().numClasses());
        try (NDManager nd = NDManager.newBaseManager()) {
            assertEquals(new Shape(1, 7), ((ModelBase) m).predict(nd.zeros(new Shape(1, 1, 28, 28))).getShape());
        }
    }

    @Test
    void aModelKnowsTheFolderItsWeightsCameFrom() {
        assertEquals(null, Zoo.create("small_cnn", CreateOptions.defaults().withSeed(1)).weightsDir(), "random weights come from nowhere");
        GraftModel shipped = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        assertEquals(Zoo.weightsDir("small_cnn.graft_mnist").toAbsolutePath(), shipped.weightsDir());
        // a folder of its own (as a hub snapshot is): the advisor's statistics are looked for there, not in the catalogue
        Path dir = home.dir().resolve("elsewhere");
        Weights.save(shipped, dir);
        GraftModel moved = Zoo.create("local-dir:" + dir, CreateOptions.defaults());
        assertEquals(dir.toAbsolutePath(), moved.weightsDir());
        assertEquals(dir.toAbsolutePath(), dev.graft.train.FineTune.weightsDir(moved));
    }

    @Test
    void saveAndLoadRoundTripsEveryTensorAndTheConfig() {
        ModelBase m = (ModelBase) Zoo.create("small_resnet", CreateOptions.defaults().withSeed(3));
        Path dir = home.dir().resolve("export");
        Weights.save(m, dir);
        GraftModel back = Weights.load(dir);
        assertEquals("small_resnet", back.cfg().architecture());
        for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().getArray().toFloatArray(), weightOf(back, e.getKey()), e.getKey());
        }
        try (SafeTensors st = SafeTensors.open(dir.resolve("model.safetensors"))) {
            assertTrue(st.contains("bn1.num_batches_tracked"), "written for PyTorch's strict loading");
            assertEquals("pt", st.metadata().get("format"));
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(2, 1, 28, 28));
            assertArrayEquals(m.predict(x).toFloatArray(), ((ModelBase) back).predict(x).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void pretrainedFromACatalogueTagWithNewClassesDropsTheOldClassifier() {
        ModelBase trained = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withSeed(5));
        Weights.save(trained, Weights.catalogueDir("small_cnn.graft_mnist"), Zoo.cfg("small_cnn.graft_mnist"));
        GraftModel same = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        assertArrayEquals(weightOf(trained, "fc.weight"), weightOf(same, "fc.weight"));
        assertEquals("graft_mnist", same.cfg().tag());
        GraftModel five = Zoo.create("small_cnn", CreateOptions.defaults().withPretrained(true).withNumClasses(5));
        assertEquals(new Shape(5, 128), five.stateDict().get("fc.weight").getArray().getShape());
        assertArrayEquals(weightOf(trained, "stage3.conv.weight"), weightOf(five, "stage3.conv.weight"));
        LoadReport r = ((ModelBase) five).loadReport();
        assertEquals(List.of("fc.weight", "fc.bias"), r.skipped());
        assertTrue(r.missing().isEmpty() && r.unexpected().isEmpty());
    }

    @Test
    void hubSourcesNeedTheHubClient() {
        GraftException e = assertThrows(GraftException.class,
                () -> Zoo.create("resnet18", CreateOptions.defaults().withSource("hf-hub:timm/resnet18.a1_in1k")));
        assertTrue(e.getMessage().contains("hf-hub sources need the hub client"), e.getMessage());
    }

    @Test
    void registeredResolversServeTheirPrefix() {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withSeed(9));
        Path dir = home.dir().resolve("resolved");
        Weights.save(m, dir);
        WeightsSources.register(new dev.graft.zoo.WeightsResolver() {
            @Override
            public String prefix() {
                return "test-store:";
            }

            @Override
            public dev.graft.zoo.ResolvedWeights resolve(String spec) {
                assertEquals("org/name@v1", spec);
                return dev.graft.zoo.ResolvedWeights.ofDir(dir);
            }
        });
        GraftModel back = Zoo.create("test-store:org/name@v1");
        assertArrayEquals(weightOf(m, "stem.conv.weight"), weightOf(back, "stem.conv.weight"));
    }

    @Test
    void inChansOneSumsTheRgbFiltersAndMoreRepeatThem() {
        ModelBase rgb = (ModelBase) Zoo.create("small_resnet", CreateOptions.defaults().withInChans(3).withSeed(11));
        Path file = home.dir().resolve("rgb.safetensors");
        Weights.saveStateDict(rgb, file);
        NDArray w3 = rgb.stateDict().get("conv1.weight").getArray();
        GraftModel grey = Zoo.create("small_resnet", CreateOptions.defaults().withInChans(1).withSource("file:" + file));
        assertArrayEquals(w3.sum(new int[] {1}, true).toFloatArray(), weightOf(grey, "conv1.weight"), 1e-6f);
        assertEquals(List.of("conv1.weight"), ((ModelBase) grey).loadReport().adapted());
        GraftModel six = Zoo.create("small_resnet", CreateOptions.defaults().withInChans(6).withSource("file:" + file));
        NDArray expected = w3.tile(new long[] {1, 2, 1, 1}).mul(0.5f);
        assertArrayEquals(expected.toFloatArray(), weightOf(six, "conv1.weight"), 1e-6f);
        assertEquals(6, six.cfg().inputSize().get(0));
        assertEquals(6, six.cfg().mean().size());
    }

    @Test
    void strictLoadingReportsMissingAndUnexpectedKeysAndNonStrictGoesOn() {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withSeed(13));
        Map<String, NDArray> state = new LinkedHashMap<>();
        m.stateDict().forEach((k, p) -> state.put(k, p.getArray()));
        NDArray kept = state.remove("stage2.bn.running_var");
        state.put("extra.weight", kept);
        Path file = home.dir().resolve("partial.safetensors");
        SafeTensors.write(file, state, null);
        GraftModel target = Zoo.create("small_cnn", CreateOptions.defaults().withSeed(14));
        GraftException e = assertThrows(GraftException.class, () -> Weights.loadInto(target, file, true));
        assertTrue(e.getMessage().contains("1 missing [stage2.bn.running_var]"), e.getMessage());
        assertTrue(e.getMessage().contains("1 unexpected [extra.weight]"), e.getMessage());
        LoadReport r = Weights.loadInto(target, file, false);
        assertEquals(List.of("stage2.bn.running_var"), r.missing());
        assertEquals(List.of("extra.weight"), r.unexpected());
        assertArrayEquals(weightOf(m, "stem.conv.weight"), weightOf(target, "stem.conv.weight"));
    }

    @Test
    void shapeMismatchesAreNamedEvenWhenNotStrict() {
        GraftModel cnn = Zoo.create("small_cnn", CreateOptions.defaults().withSeed(15));
        Path file = home.dir().resolve("cnn.safetensors");
        Weights.saveStateDict(cnn, file);
        GraftModel other = Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(4));
        GraftException e = assertThrows(GraftException.class, () -> Weights.loadInto(other, file, false));
        assertTrue(e.getMessage().contains("fc.weight (checkpoint (10, 128), model (4, 128))"), e.getMessage());
    }

    @Test
    void numBatchesTrackedIsAcceptedAndIgnored() {
        GraftModel m = Zoo.create("small_resnet", CreateOptions.defaults().withSeed(16));
        Path file = home.dir().resolve("nbt.safetensors");
        Weights.saveStateDict(m, file);
        LoadReport r = Weights.loadInto(Zoo.create("small_resnet"), file, true);
        assertTrue(r.isExact());
        assertTrue(r.ignored().contains("layer1.0.bn1.num_batches_tracked"), r.ignored().toString());
        assertNotNull(r.summary());
    }
}
