package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.graft.weights.Checkpoint;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.TimmFolder;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsCommandTest {
    @TempDir
    static Path home;

    static ClientEnv env;

    @BeforeAll
    static void isolate() {
        env = ClientEnv.home(home);
    }

    @AfterAll
    static void restore() {
        env.close();
    }

    private static String run(int expectedCode, String... args) {
        CliRun r = CliRun.run(args).expect(expectedCode);
        return expectedCode == 0 ? r.out : r.err;
    }

    @Test
    void listBehavesLikeTimm() {
        assertEquals("resnet18\nresnet34\nresnet50\nresnet101\n", run(0, "models", "list", "resnet*"));
        assertEquals("resnet18\nresnet34\n", run(0, "models", "list", "resnet*", "--exclude", "*50", "--exclude", "*101"));
        assertEquals("", run(0, "models", "list", "vit_*", "--pretrained", "--exclude", "*_in1k"));
        assertEquals("convnext_tiny.in12k_ft_in1k\nconvnext_tiny.fb_in22k_ft_in1k\nconvnext_tiny.fb_in1k\n".lines().sorted(dev.graft.zoo.Zoo.NATURAL).toList(),
                run(0, "models", "list", "convnext_tiny", "--pretrained").lines().toList(), "timm's tags, fetched from the hub on first use");
        assertEquals("small_cnn.graft_fashion_mnist\nsmall_cnn.graft_mnist\n", run(0, "models", "list", "small_cnn", "--pretrained"));
    }

    @Test
    void infoShowsTheCardAndWeightsState() {
        String text = run(0, "models", "info", "small_cnn.graft_mnist");
        assertTrue(text.contains("license        apache-2.0"), text);
        assertTrue(text.contains("shipped with Graft (copied on first use into"), text);
        assertTrue(text.contains("sha256         " + Zoo.shippedWeights("small_cnn.graft_mnist").sha256().get("model.safetensors")), text);
        assertTrue(text.contains("CC BY-SA 3.0"), text);
        // After the first use the copy on this machine is shown, with the same sha256.
        Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        String after = run(0, "models", "info", "small_cnn.graft_mnist");
        assertTrue(after.contains("weights        " + Weights.catalogueDir("small_cnn.graft_mnist").resolve("model.safetensors")), after);
        assertTrue(after.contains("sha256 checked on every load"), after);
        assertTrue(after.contains("sha256         " + Zoo.shippedWeights("small_cnn.graft_mnist").sha256().get("model.safetensors")), after);
        String json = run(0, "--json", "models", "info", "resnet18");
        assertTrue(json.contains("\"parameters\" : 11689512"), json);
        assertTrue(json.contains("\"first_conv\" : \"conv1\""), json);
    }

    @Test
    void infoReadsAFolderInTimmsLayout(@TempDir Path dir) throws Exception {
        Path folder = TimmFolder.write(dir.resolve("r18"), "resnet18", 10, 3, 32, 7);
        String text = run(0, "models", "info", "local-dir:" + folder);
        for (String line : List.of("name           local-dir:" + folder, "architecture   resnet18", "tag            tiny_in1k",
                "num_classes    10", "input_size     [3, 32, 32]", "interpolation  bicubic", "crop_pct       0.95", "crop_mode      center",
                "mean           [0.5, 0.4, 0.3]", "std            [0.2, 0.25, 0.3]", "classifier     fc", "global_pool    avg",
                "license        mit", "label_names    [c0, c1", "weights        " + folder.resolve("model.safetensors"))) {
            assertTrue(text.contains(line), line + " in:\n" + text);
        }
        Files.writeString(folder.resolve("config.json"), TimmFolder.config("regnety_040", 10, 1280, 3, 32));
        String err = run(1, "models", "info", "local-dir:" + folder);
        assertTrue(err.contains(folder.resolve("config.json") + " names architecture 'regnety_040'"), err);
        assertEquals(1, err.strip().lines().count(), err);
    }

    @Test
    void infoReadsAShardedFolderAndNamesAMissingShard(@TempDir Path dir) throws Exception {
        Path folder = TimmFolder.write(dir.resolve("r18"), "resnet18", 10, 3, 32, 7);
        List<SafeTensors.Tensor> tensors = new java.util.ArrayList<>();
        try (SafeTensors st = SafeTensors.open(folder.resolve("model.safetensors"))) {
            for (var t : st.tensors().values()) {
                java.nio.ByteBuffer copy = java.nio.ByteBuffer.allocate((int) t.byteSize());
                copy.put(st.bytes(t.name())).flip();
                tensors.add(new SafeTensors.Tensor("module." + t.name(), t.dtype(), t.shape(), copy));
            }
        }
        Path index = Checkpoint.writeSharded(folder, tensors, Map.of("format", "pt"), 16 << 20);
        List<Path> shards;
        try (Checkpoint ck = Checkpoint.open(index)) {
            shards = ck.shards();
        }
        assertTrue(shards.size() >= 2, shards.toString());
        String text = run(0, "models", "info", "local-dir:" + folder);
        for (String line : List.of("weights        " + index, "tensors        " + tensors.size(), "dtypes         {F32=",
                "shards         {" + String.format("model-00001-of-%05d.safetensors=", shards.size()), "key_prefix     module. (on every key; stripped on load)")) {
            assertTrue(text.contains(line), line + " in:\n" + text);
        }
        assertTrue(!text.contains("sha256 "), text);
        ModelBase m = (ModelBase) Zoo.create("local-dir:" + folder);
        assertEquals("module.", m.loadReport().strippedPrefix());
        assertTrue(m.loadReport().isExact(), m.loadReport().summary());

        // The same folder as a catalogue tag made on this machine.
        Path tagDir = Weights.catalogueDir("resnet18.sharded_here");
        Files.createDirectories(tagDir);
        for (Path p : Files.list(folder).toList()) {
            Files.copy(p, tagDir.resolve(p.getFileName()));
        }
        String tag = run(0, "models", "info", "resnet18.sharded_here");
        assertTrue(tag.contains("weights        " + tagDir.resolve("model.safetensors.index.json")) && tag.contains("shards         {"), tag);
        assertTrue(run(0, "models", "list", "resnet18", "--pretrained").contains("resnet18.sharded_here"));
        for (Path p : Files.list(tagDir).toList()) {
            Files.delete(p);  // the home is shared by the class: leave no tag for the other tests
        }
        Files.delete(tagDir);

        Files.delete(shards.get(1));
        String err = run(1, "models", "info", "local-dir:" + folder);
        assertTrue(err.contains("shard " + shards.get(1).getFileName() + " named by index " + index + " is missing"), err);
        assertEquals(1, err.strip().lines().count(), err);
    }

    @Test
    void createWritesShardsWhenAskedAndTheyLoadBack(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sharded");
        run(0, "--seed", "3", "models", "create", "small_cnn", "--num-classes", "3", "--out", out.toString(), "--max-shard-size", "40KB");
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors.index.json")) && !Files.exists(out.resolve("model.safetensors")));
        try (Checkpoint ck = Checkpoint.open(out.resolve("model.safetensors.index.json"))) {
            assertTrue(ck.shards().size() >= 2, ck.shards().toString());
        }
        Path single = dir.resolve("single");
        run(0, "--seed", "3", "models", "create", "small_cnn", "--num-classes", "3", "--out", single.toString());
        ModelBase a = (ModelBase) Zoo.create("local-dir:" + single);
        ModelBase b = (ModelBase) Zoo.create("local-dir:" + out);
        for (String k : a.stateDict().keySet()) {
            assertArrayEquals(a.stateDict().get(k).getArray().toFloatArray(), b.stateDict().get(k).getArray().toFloatArray(), k);
        }
        String err = run(1, "models", "create", "small_cnn", "--out", dir.resolve("bad").toString(), "--max-shard-size", "big");
        assertTrue(err.contains("'big' is not a size"), err);
        assertEquals(1, err.strip().lines().count(), err);
    }

    @Test
    void runWritesTheLogitsOfTheModel() {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(4).withSeed(2));
        Path w = home.resolve("w.safetensors");
        Weights.saveStateDict(m, w);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(3, 1, 28, 28));
            Path in = home.resolve("in.safetensors");
            Path out = home.resolve("out.safetensors");
            SafeTensors.write(in, Map.of("input", x), null);
            run(0, "--quiet", "models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", out.toString());
            try (SafeTensors st = SafeTensors.open(out)) {
                assertArrayEquals(m.predict(x).toFloatArray(), st.toNDArray(nd, "logits").toFloatArray(), 1e-6f);
            }
            // transformers' name for the images is taken too
            SafeTensors.write(in, Map.of("pixel_values", x), null);
            run(0, "--quiet", "models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", out.toString());
            try (SafeTensors st = SafeTensors.open(out)) {
                assertArrayEquals(m.predict(x).toFloatArray(), st.toNDArray(nd, "logits").toFloatArray(), 1e-6f);
            }
            SafeTensors.write(in, Map.of("images", x), null);
            String noImages = run(1, "models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", out.toString());
            assertTrue(noImages.contains("no tensor named 'pixel_values' or 'input'"), noImages);
            // an input resnet18 takes, so the weights are what is wrong
            SafeTensors.write(in, Map.of("input", nd.randomUniform(0f, 1f, new Shape(1, 3, 224, 224))), null);
            String err = run(1, "models", "run", "resnet18", "--weights", w.toString(), "--input", in.toString(), "--output", out.toString());
            assertTrue(err.contains("do not match resnet18"), err);
        }
    }

    @Test
    void runTakesTextAsTransformersNamesIt(@TempDir Path dir) {
        GraftModel m = Zoo.create("bert_minilm_l6_h384", CreateOptions.defaults().withSeed(3));
        Path folder = dir.resolve("bert");
        Weights.save(m, folder);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray ids = nd.create(new long[] {101, 2023, 2003, 102, 101, 7592, 102, 0}, new Shape(2, 4));
            NDArray mask = ids.neq(0).toType(ai.djl.ndarray.types.DataType.INT64, false);
            Path in = dir.resolve("ids.safetensors");
            Path out = dir.resolve("hidden.safetensors");
            SafeTensors.write(in, Map.of("input_ids", ids, "attention_mask", mask), null);
            run(0, "--quiet", "models", "run", "local-dir:" + folder, "--input", in.toString(), "--output", out.toString());
            NDArray expected = ((dev.graft.zoo.bert.BertSentenceModel) m).bert()
                    .forward(new ai.djl.training.ParameterStore(nd, false), new ai.djl.ndarray.NDList(ids, mask), false).get(0);
            try (SafeTensors st = SafeTensors.open(out)) {
                assertArrayEquals(expected.toFloatArray(), st.toNDArray(nd, "last_hidden_state").toFloatArray(), 1e-5f);
            }
            SafeTensors.write(in, Map.of("input_ids", ids, "attention_mask", nd.ones(new Shape(2, 5))), null);
            String shape = run(1, "models", "run", "local-dir:" + folder, "--input", in.toString(), "--output", out.toString());
            assertTrue(shape.contains("tensor 'attention_mask'") && shape.contains("'input_ids' is [2, 4]"), shape);
            SafeTensors.write(in, Map.of("input_ids", nd.create(new long[] {101, 40000}, new Shape(1, 2))), null);
            String vocab = run(1, "models", "run", "local-dir:" + folder, "--input", in.toString(), "--output", out.toString());
            assertTrue(vocab.contains("holds token ids 101..40000") && vocab.contains("vocabulary of 30522"), vocab);
            ModelBase image = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(3));
            Path w = dir.resolve("cnn.safetensors");
            Weights.saveStateDict(image, w);
            SafeTensors.write(in, Map.of("input_ids", ids), null);
            String wrong = run(1, "models", "run", "small_cnn", "--weights", w.toString(), "--num-classes", "3", "--input", in.toString(),
                    "--output", out.toString());
            assertTrue(wrong.contains("holds 'input_ids' but small_cnn is an image model"), wrong);
        }
    }

    @Test
    void runTakesImagesAndTextsTogetherForClip(@TempDir Path dir) throws Exception {
        Path folder = java.nio.file.Files.createDirectories(dir.resolve("clip"));
        java.nio.file.Files.writeString(folder.resolve("config.json"), """
                {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 8,
                 "text_config": {"vocab_size": 50, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                   "num_attention_heads": 2, "max_position_embeddings": 8, "eos_token_id": 49},
                 "vision_config": {"hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2,
                   "image_size": 16, "patch_size": 8}}
                """);
        String arch = dev.graft.zoo.clip.ClipModels.architectureFor(dev.graft.zoo.clip.ClipConfig.read(folder.resolve("config.json")));
        dev.graft.zoo.clip.ClipModel m = (dev.graft.zoo.clip.ClipModel) Zoo.create(arch, CreateOptions.defaults().withSeed(6));
        Weights.save(m, folder);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(-1f, 1f, new Shape(2, 3, 16, 16));
            NDArray ids = nd.create(new long[] {0, 7, 9, 49, 0, 12, 49, 1}, new Shape(2, 4));
            NDArray mask = nd.create(new long[] {1, 1, 1, 1, 1, 1, 1, 0}, new Shape(2, 4));
            Path in = dir.resolve("in.safetensors");
            Path out = dir.resolve("out.safetensors");
            SafeTensors.write(in, Map.of("pixel_values", x, "input_ids", ids, "attention_mask", mask), null);
            run(0, "--quiet", "models", "run", "local-dir:" + folder, "--input", in.toString(), "--output", out.toString());
            dev.graft.zoo.clip.ClipModel.Output expected = m.run(x, ids, mask);
            try (SafeTensors st = SafeTensors.open(out)) {
                assertArrayEquals(expected.logitsPerImage().toFloatArray(), st.toNDArray(nd, "logits_per_image").toFloatArray(), 1e-5f);
                assertArrayEquals(expected.textEmbeds().toFloatArray(), st.toNDArray(nd, "text_embeds").toFloatArray(), 1e-6f);
                assertEquals(List.of("image_embeds", "logits_per_image", "logits_per_text", "text_embeds"), st.names().stream().sorted().toList());
            }
            SafeTensors.write(in, Map.of("pixel_values", x), null);
            String noText = run(1, "models", "run", "local-dir:" + folder, "--input", in.toString(), "--output", out.toString());
            assertTrue(noText.contains("has no tensor 'input_ids'") && noText.contains("takes images and texts together"), noText);
            SafeTensors.write(in, Map.of("input_ids", ids), null);
            String noImages = run(1, "models", "run", "local-dir:" + folder, "--input", in.toString(), "--output", out.toString());
            assertTrue(noImages.contains("has no tensor 'pixel_values'"), noImages);
        }
    }

    @Test
    void runTakesASourceWithoutWeightsAndRefusesAnArchitectureWithout(@TempDir Path dir) {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(3).withSeed(5));
        Path folder = dir.resolve("model");
        Weights.save(m, folder);
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.randomUniform(0f, 1f, new Shape(2, 1, 28, 28));
            Path in = dir.resolve("in.safetensors");
            Path out = dir.resolve("out.safetensors");
            SafeTensors.write(in, Map.of("pixel_values", x), null);
            run(0, "--quiet", "models", "run", "local-dir:" + folder, "--input", in.toString(), "--output", out.toString());
            try (SafeTensors st = SafeTensors.open(out)) {
                assertArrayEquals(m.predict(x).toFloatArray(), st.toNDArray(nd, "logits").toFloatArray(), 1e-6f);
                assertEquals("small_cnn", st.metadata().get("model"));
            }
            String random = run(1, "models", "run", "small_cnn", "--input", in.toString(), "--output", out.toString());
            assertTrue(random.contains("small_cnn is an architecture without weights") && random.contains("--weights"), random);
        }
    }

    @Test
    void createWritesAFolderWithANewHeadThatLoadsStrictly(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("five");
        String printed = run(0, "models", "create", "small_cnn.graft_mnist", "--pretrained", "--num-classes", "5", "--out", out.toString());
        assertTrue(printed.startsWith("small_cnn.graft_mnist -> " + out), printed);
        ModelBase back = (ModelBase) Zoo.create("local-dir:" + out, CreateOptions.defaults());
        assertEquals(5, back.numClasses());
        ModelBase shipped = (ModelBase) Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        try (SafeTensors st = SafeTensors.open(out.resolve("model.safetensors")); NDManager nd = NDManager.newBaseManager()) {
            assertTrue(st.names().contains("stem.bn.num_batches_tracked"), "PyTorch's strict loading needs it: " + st.names());
            assertEquals(shipped.stateDict().get("stem.conv.weight").getArray(), st.toNDArray(nd, "stem.conv.weight"),
                    "the pretrained backbone is kept");
            assertArrayEquals(new long[] {5, back.numFeatures()}, st.info("fc.weight").shape(), "a new head");
        }
        assertTrue(run(1, "models", "create", "small_cnn", "--out", out.toString()).contains("--overwrite"));
        assertTrue(run(0, "models", "create", "small_cnn", "--out", out.toString(), "--overwrite").contains("small_cnn -> "));
    }
}
