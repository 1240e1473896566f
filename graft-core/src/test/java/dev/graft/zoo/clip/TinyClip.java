package dev.graft.zoo.clip;

import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A tiny CLIP (2 layers, width 32, 32 x 32 images in 8 x 8 patches) with a 92-token CLIP-style BPE tokenizer, for fast tests. */
final class TinyClip {
    private TinyClip() {}

    /** The tokenizer's end-of-text id (its last). */
    static final int EOT = 91;
    /** transformers' legacy eos_token_id (pool at the largest id). */
    static final int LEGACY_TEST_EOS = ClipTextConfig.LEGACY_EOS;

    /** transformers' config.json of the tiny CLIP with the given eos_token_id (2: the legacy rule). */
    static String config(int eosTokenId) {
        return """
                {"architectures": ["CLIPModel"], "model_type": "clip", "projection_dim": 16, "logit_scale_init_value": 2.6592,
                 "text_config": {"model_type": "clip_text_model", "vocab_size": 92, "hidden_size": 32, "intermediate_size": 64,
                   "num_hidden_layers": 2, "num_attention_heads": 2, "max_position_embeddings": 77, "hidden_act": "quick_gelu",
                   "layer_norm_eps": 1e-5, "pad_token_id": 1, "bos_token_id": 90, "eos_token_id": %d},
                 "vision_config": {"model_type": "clip_vision_model", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
                   "num_attention_heads": 2, "image_size": 32, "patch_size": 8, "num_channels": 3, "hidden_act": "quick_gelu",
                   "layer_norm_eps": 1e-5},
                 "transformers_version": "4.40.0"}
                """.formatted(eosTokenId);
    }

    /** A folder with config.json, seeded random model.safetensors and the tokenizer.json. */
    static Path folder(Path dir, int eosTokenId, int seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), config(eosTokenId));
        String arch = ClipModels.architectureFor(ClipConfig.read(dir.resolve("config.json")));
        Weights.saveStateDict(Zoo.create(arch, CreateOptions.defaults().withSeed(seed)), dir.resolve("model.safetensors"));
        try (InputStream tok = TinyClip.class.getResourceAsStream("tokenizer.json")) {
            Files.copy(tok, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }
}
