package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.peft.LoraAdapter;
import dev.graft.train.Strategy;
import dev.graft.util.Json;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.gpt2.Gpt2Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * text-finetune with a GPT-2: a tiny random GPT-2 ({@link TextGeneratorTest#CONFIG}, no pad_token_id, so
 * padding is its end-of-text id) with {@link TinyBpe}'s vocabulary, classified as transformers'
 * GPT2ForSequenceClassification (score, no bias, at the last non-padding token).
 */
class Gpt2TextClassifierTest {
    @TempDir
    Path tmp;

    static Path folder(Path dir, long seed) throws Exception {
        return TinyBpe.gpt2Folder(dir, seed);
    }

    @Test
    void fullFineTuningLowersTheLossAndTheSavedFolderLoadsBackWithTheSameLogits() throws Exception {
        TextData data = TextFineTunerTest.toy();
        Path out = tmp.resolve("model");
        float[][] logits;
        List<String> texts = List.of("a cat", "a screwdriver on the mat", "the wolf");
        try (TextEncoder enc = TextEncoder.open(folder(tmp.resolve("gpt"), 3).toString())) {
            assertNotNull(enc.gpt2());
            assertEquals("score", enc.headName());
            assertEquals(TinyBpe.ENDOFTEXT, enc.padTokenId());
            assertEquals(32, enc.dimension());
            TextFineTuner.Options o = new TextFineTuner.Options(Strategy.FULL, 6, 3e-3f, 3e-2f, 4, 0, 0.01f, 5);
            TextFineTuner.Result r = TextFineTuner.fit(enc, data, null, o, null, null);
            double first = r.history().get(0).trainLoss();
            double last = r.history().get(5).trainLoss();
            assertTrue(last < first - 0.1, "loss " + first + " -> " + last);
            // every transformer parameter and score's 2 x 32 weight; no bias
            long encoder = enc.parameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(encoder + 64, r.trainedParameters());
            TextClassifierFiles.save(enc, r.head(), out, TextClassifierFiles.card(enc, "toy", "full", 1.0, 16, 5));
            float[][] vectors = enc.embed(texts);
            logits = new float[texts.size()][];
            for (int i = 0; i < texts.size(); i++) {
                logits[i] = r.head().logits(vectors[i]);
            }
        }
        JsonNode config = Json.MAPPER.readTree(out.resolve("config.json").toFile());
        assertEquals("GPT2ForSequenceClassification", config.path("architectures").get(0).asText());
        assertEquals(TinyBpe.ENDOFTEXT, config.path("pad_token_id").asInt());
        assertEquals("tool", config.path("id2label").path("1").asText());
        assertEquals(0, config.path("label2id").path("animal").asInt());
        assertTrue(config.path("sequenceClassification").isMissingNode(), "only transformers' fields: " + config);
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        assertTrue(Files.readString(out.resolve("README.md")).contains("score.weight"));
        Set<String> keys;
        try (Checkpoint c = Checkpoint.open(out.resolve("model.safetensors")); NDManager nd = NDManager.newBaseManager()) {
            keys = new TreeSet<>(c.toNDArrays(nd).keySet());
        }
        assertTrue(keys.contains("score.weight") && keys.contains("transformer.h.1.attn.c_attn.weight"), keys.toString());
        assertTrue(keys.stream().allMatch(k -> k.equals("score.weight") || k.startsWith("transformer.")), keys.toString());

        // transformers' way back: the zoo builds GPT2ForSequenceClassification from the folder.
        Gpt2Model loaded = (Gpt2Model) Zoo.create("local-dir:" + out);
        assertEquals(2, loaded.numClasses());
        try (BpeTokenizer tok = BpeTokenizer.forFolder(out); TextTokenizer batcher = tok.textTokenizer(32, TinyBpe.ENDOFTEXT);
                NDManager nd = NDManager.newBaseManager(); NoGrad ignored = NoGrad.enter()) {
            TextTokenizer.Batch b = batcher.encode(texts);   // right-padded with the end-of-text id
            assertTrue(b.mask()[0] == 1 && b.mask()[b.length() - 1] == 0, "the first text is padded");
            NDArray ids = nd.create(b.ids(), new Shape(b.size(), b.length()));
            float[] zoo = loaded.forward(new ParameterStore(nd, false), ids, false).toFloatArray();
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(logits[i], java.util.Arrays.copyOfRange(zoo, 2 * i, 2 * i + 2), 1e-5f, texts.get(i));
            }
        }
        // and text verbs open the saved classifier with its head
        try (TextEncoder again = TextEncoder.open(out.toString())) {
            TextHead head = TextClassifierFiles.loadHead(out);
            float[][] v = again.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(logits[i], head.logits(v[i]), 1e-5f, texts.get(i));
            }
        }
    }

    @Test
    void theHeadStrategyTrainsScoreOnlyAndPartialTheTopBlockAndLnF() throws Exception {
        TextData data = TextFineTunerTest.toy();
        try (TextEncoder enc = TextEncoder.open(folder(tmp.resolve("gpt"), 4).toString())) {
            TextFineTuner.Result head = TextFineTuner.fit(enc, data, null, TextFineTuner.Options.defaults(Strategy.HEAD).withEpochs(20), null, null);
            assertEquals(64, head.trainedParameters());
            assertArrayEquals(new float[2], head.head().logits(new float[32]), 0f, "score has no bias");
            Map<String, ai.djl.nn.Parameter> p = enc.parameters();
            float[] bottom = p.get("transformer.h.0.mlp.c_fc.weight").getArray().toFloatArray();
            float[] top = p.get("transformer.h.1.mlp.c_fc.weight").getArray().toFloatArray();
            float[] lnF = p.get("transformer.ln_f.weight").getArray().toFloatArray();
            TextFineTuner.fit(enc, data, null, TextFineTuner.Options.defaults(Strategy.PARTIAL).withTopLayers(1).withEpochs(1), head.head(), null);
            assertArrayEquals(bottom, p.get("transformer.h.0.mlp.c_fc.weight").getArray().toFloatArray(), 0f);
            assertNotEquals(top[0], p.get("transformer.h.1.mlp.c_fc.weight").getArray().toFloatArray()[0]);
            assertNotEquals(lnF[0], p.get("transformer.ln_f.weight").getArray().toFloatArray()[0]);
        }
    }

    @Test
    void loraAdaptsCAttnAndSavesScoreAsPeftDoesAndTheMergedModelAgrees() throws Exception {
        TextData data = TextFineTunerTest.toy();
        try (TextEncoder enc = TextEncoder.open(folder(tmp.resolve("gpt"), 5).toString())) {
            TextFineTuner.Result r = TextFineTuner.fit(enc, data, null, new TextFineTuner.Options(Strategy.LORA, 4, 1e-2f, 3e-2f, 8, 0, 0.01f, 5),
                    null, null);
            LoraAdapter a = r.adapter();
            assertEquals(List.of("transformer.h.0.attn.c_attn", "transformer.h.1.attn.c_attn"), a.targets());
            // r 8 on 2 layers of 32 -> 96, plus score's 2 x 32
            assertEquals(2 * (8 * 32 + 96 * 8) + 64, r.trainedParameters());
            a.save(tmp.resolve("adapter"));
            JsonNode cfg = Json.MAPPER.readTree(tmp.resolve("adapter").resolve("adapter_config.json").toFile());
            assertEquals("score", cfg.path("modules_to_save").get(0).asText());
            float[][] adapted = enc.embed(data.texts());
            a.merge();
            float[][] merged = enc.embed(data.texts());
            for (int i = 0; i < adapted.length; i++) {
                assertArrayEquals(adapted[i], merged[i], 1e-4f);
            }
        }
    }

    @Test
    void aGpt2WithNeitherPadNorEosIsRefusedNamingTheFix() throws Exception {
        Path dir = folder(tmp.resolve("gpt"), 6);
        com.fasterxml.jackson.databind.node.ObjectNode c = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(dir.resolve("config.json").toFile());
        c.putNull("eos_token_id");
        c.putNull("pad_token_id");
        Json.MAPPER.writeValue(dir.resolve("config.json").toFile(), c);
        GraftException e = assertThrows(GraftException.class, () -> TextEncoder.open(dir.toString()).close());
        assertTrue(e.getMessage().contains("no pad_token_id"), e.getMessage());
        assertTrue(e.fix().contains("pad_token_id = tokenizer.eos_token_id"), e.fix());
    }
}
