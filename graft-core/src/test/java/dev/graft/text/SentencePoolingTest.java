package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sentence-transformers' modules.json and Pooling config decide how a folder's sentence vector is made. */
class SentencePoolingTest {
    @TempDir
    Path tmp;

    private static void modules(Path dir, String poolingConfig, boolean normalize) throws Exception {
        Files.createDirectories(dir.resolve("1_Pooling"));
        Files.writeString(dir.resolve("1_Pooling/config.json"), poolingConfig);
        Files.writeString(dir.resolve("modules.json"), "[{\"idx\": 0, \"name\": \"0\", \"path\": \"\", \"type\": \"sentence_transformers.models.Transformer\"},"
                + " {\"idx\": 1, \"name\": \"1\", \"path\": \"1_Pooling\", \"type\": \"sentence_transformers.models.Pooling\"}"
                + (normalize ? ", {\"idx\": 2, \"name\": \"2\", \"path\": \"2_Normalize\", \"type\": \"sentence_transformers.models.Normalize\"}" : "")
                + "]");
    }

    /** The encoder's vector for "a cat", and what the pooling mode computes from the hidden states by hand. */
    private static float[][] vectorAndByHand(Path dir, String mode) {
        try (TextEncoder enc = TextEncoder.load(dir, null); NDManager nd = NDManager.newBaseManager()) {
            TextTokenizer.Batch b = enc.tokenizer().encodeQuietly(List.of("a cat"));
            NDArray ids = nd.create(b.ids(), new Shape(1, b.length()));
            NDArray mask = nd.create(b.mask(), new Shape(1, b.length()));
            NDArray hidden = enc.model().forward(new ParameterStore(nd, false), new NDList(ids, mask), false).get(0);
            NDArray byHand = switch (mode) {
                case "cls" -> hidden.get(":, 0, :");
                case "max" -> hidden.max(new int[] {1});
                default -> BertModel.meanPool(hidden, mask);
            };
            return new float[][] {enc.embed(List.of("a cat"))[0], BertModel.normalize(byHand).toFloatArray()};
        }
    }

    @Test
    void poolingFollowsTheFolder() throws Exception {
        Path plain = TinyBert.folder(tmp.resolve("plain"), 3);
        assertEquals(SentencePooling.MEAN_NORMALIZED, SentencePooling.read(plain), "no modules.json: all-MiniLM-L6-v2's recipe");
        float[][] mean = vectorAndByHand(plain, "mean");
        assertArrayEquals(mean[1], mean[0], 1e-5f);

        Path cls = TinyBert.folder(tmp.resolve("cls"), 3);
        modules(cls, "{\"word_embedding_dimension\": 16, \"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}", true);
        assertEquals(new SentencePooling(List.of(SentencePooling.Mode.CLS), true), SentencePooling.read(cls));
        float[][] c = vectorAndByHand(cls, "cls");
        assertArrayEquals(c[1], c[0], 1e-5f);
        assertTrue(Math.abs(c[0][0] - mean[0][0]) > 1e-4, "another mode, another vector");

        Path max = TinyBert.folder(tmp.resolve("max"), 3);
        modules(max, "{\"pooling_mode_max_tokens\": true}", false);
        float[][] m = vectorAndByHand(max, "max");
        assertArrayEquals(m[1], m[0], 1e-5f);

        Path both = TinyBert.folder(tmp.resolve("both"), 3);
        modules(both, "{\"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": true}", true);
        try (TextEncoder enc = TextEncoder.load(both, null)) {
            assertEquals(32, enc.dimension(), "cls and mean concatenated, as sentence-transformers does");
        }
    }

    @Test
    void aSavedClassifierFolderCarriesItsPipeline() throws Exception {
        Path src = TinyBert.folder(tmp.resolve("src"), 4);
        modules(src, "{\"pooling_mode_cls_token\": true}", true);
        Path out = tmp.resolve("out");
        try (TextEncoder enc = TextEncoder.load(src, null)) {
            TextClassifierFiles.save(enc, TextHead.zeros(List.of("a", "b"), 16), out, "card");
        }
        assertEquals(SentencePooling.read(src), SentencePooling.read(out));
        assertTrue(Files.readString(out.resolve("1_Pooling/config.json")).contains("\"word_embedding_dimension\" : 16"));
    }

    @Test
    void whatGraftCannotRunIsOneLine() throws Exception {
        Path dense = TinyBert.folder(tmp.resolve("dense"), 3);
        modules(dense, "{\"pooling_mode_mean_tokens\": true}", false);
        Files.writeString(dense.resolve("modules.json"), Files.readString(dense.resolve("modules.json"))
                .replace("]", ", {\"idx\": 2, \"name\": \"2\", \"path\": \"2_Dense\", \"type\": \"sentence_transformers.models.Dense\"}]"));
        GraftException e = assertThrows(GraftException.class, () -> SentencePooling.read(dense));
        assertTrue(e.getMessage().contains("sentence_transformers.models.Dense"), e.getMessage());
        Path none = TinyBert.folder(tmp.resolve("none"), 3);
        modules(none, "{\"pooling_mode_mean_tokens\": false}", false);
        assertTrue(assertThrows(GraftException.class, () -> SentencePooling.read(none)).getMessage().contains("turns on no pooling mode"));
    }
}
