package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.weights.Checkpoint;
import dev.graft.weights.SafeTensors;
import dev.graft.weights.TensorInfo;
import dev.graft.zoo.bert.TinyBert;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A text model folder whose weights are a sharded checkpoint with every key behind {@code bert.} embeds as the single file does. */
class TextEncoderCheckpointTest {
    @Test
    void aShardedPrefixedBertFolderEmbedsAsTheSingleFile(@TempDir Path tmp) throws Exception {
        Path plain = TinyBert.folder(tmp.resolve("plain"), 4);
        Path sharded = tmp.resolve("sharded");
        Files.createDirectories(sharded);
        for (String f : List.of("config.json", "tokenizer.json", "sentence_bert_config.json")) {
            Files.copy(plain.resolve(f), sharded.resolve(f));
        }
        List<SafeTensors.Tensor> tensors = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(plain.resolve("model.safetensors"))) {
            for (TensorInfo t : st.tensors().values()) {
                ByteBuffer copy = ByteBuffer.allocate((int) t.byteSize());
                copy.put(st.bytes(t.name())).flip();
                tensors.add(new SafeTensors.Tensor("bert." + t.name(), t.dtype(), t.shape(), copy));
            }
        }
        Path index = Checkpoint.writeSharded(sharded, tensors, Map.of("format", "pt"), 1 << 20);
        try (Checkpoint ck = Checkpoint.open(index)) {
            assertTrue(ck.shards().size() >= 2, ck.shards().toString());
        }
        List<String> texts = List.of("a sharded checkpoint", "the same embedding");
        try (TextEncoder a = TextEncoder.load(plain, "plain"); TextEncoder b = TextEncoder.load(sharded, "sharded")) {
            float[][] expected = a.embed(texts);
            float[][] got = b.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected[i], got[i], texts.get(i));
            }
        }
    }
}
