package dev.graft.zoo.bert;

import ai.djl.ndarray.NDManager;
import dev.graft.engine.Engines;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A tiny random BERT with MiniLM's vocabulary, written as a model folder, for fast tests. */
public final class TinyBert {
    private TinyBert() {}

    /** hidden 16, 2 layers, 2 heads, FFN 32, 64 positions, the real 30522-token vocabulary. */
    public static BertConfig config() {
        return BertConfig.of(16, 2, 2, 32, 64, 30522, 2, false);
    }

    /** A tiny BERT with random weights in {@code nd}. */
    public static BertModel model(NDManager nd) {
        BertModel m = new BertModel(config());
        m.initialize(nd);
        return m;
    }

    /** Writes config.json, model.safetensors (seeded random init) and MiniLM's tokenizer.json into {@code dir}. */
    public static Path folder(Path dir, int seed) throws IOException {
        Engines.pytorch();
        Files.createDirectories(dir);
        BertConfig cfg = config();
        cfg.write(dir.resolve("config.json"));
        try (NDManager nd = NDManager.newBaseManager(); InputStream tok = MiniLm.resource(MiniLm.TOKENIZER_RESOURCE)) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
            BertModel m = model(nd);
            BertWeights.write(m.stateDict(), dir.resolve("model.safetensors"));
            Files.copy(tok, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 24}");
        return dir;
    }
}
