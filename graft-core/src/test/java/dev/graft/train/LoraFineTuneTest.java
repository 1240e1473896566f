package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.TestHome;
import dev.graft.util.Json;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code --strategy lora} on a timm ViT: adapter/ in PEFT's layout, model/ merged with no extra parameters. */
class LoraFineTuneTest {
    @RegisterExtension
    static final TestHome home = new TestHome();

    @Test
    void aLoraRunWritesPeftsAdapterAndTheMergedModel(@TempDir Path runs) throws Exception {
        ModelFactory vit = pretrained -> Zoo.create("vit_tiny_patch16_224", CreateOptions.defaults().withImgSize(32).withNumClasses(4).withSeed(3));
        FineTuneResult r = FineTune.of("vit_tiny_patch16_224", vit, "tiny-textures", ZooFineTuneTest.textures(4, 32, 2))
                .withStrategy(Strategy.LORA).withConfig(TrainConfig.defaults(OptimizerKind.ADAMW).withEpochs(1).withBatchSize(8).withSeed(5))
                .withOutDir(runs.resolve("lora")).run();
        Path adapter = r.runDir().resolve("adapter");
        JsonNode cfg = Json.MAPPER.readTree(adapter.resolve("adapter_config.json").toFile());
        assertEquals("[\"qkv\"]", cfg.get("target_modules").toString(), "timm's fused attention input by default");
        assertEquals("[\"head\"]", cfg.get("modules_to_save").toString(), "the new classifier trains fully");
        assertEquals("vit_tiny_patch16_224", cfg.get("base_model_name_or_path").asText());
        List<String> keys;
        try (SafeTensors st = SafeTensors.open(adapter.resolve("adapter_model.safetensors"))) {
            keys = new ArrayList<>(st.names());
        }
        assertTrue(keys.contains("base_model.model.blocks.11.attn.qkv.lora_A.weight"), keys.toString());
        assertTrue(keys.contains("base_model.model.head.weight"), keys.toString());
        assertEquals(12 * 2 + 2, keys.size());
        String card = Files.readString(adapter.resolve("README.md"));
        assertTrue(card.contains("library_name: peft") && card.contains("base_model: vit_tiny_patch16_224"), card);

        GraftModel merged = Zoo.create("local-dir:" + r.runDir().resolve("model"), CreateOptions.defaults());
        List<String> mergedKeys;
        try (SafeTensors st = SafeTensors.open(r.runDir().resolve("model/model.safetensors"))) {
            mergedKeys = new ArrayList<>(st.names());
        }
        assertEquals(new ArrayList<>(merged.stateDict().keySet()), mergedKeys, "the merged model has the family's parameters only");
        assertFalse(mergedKeys.stream().anyMatch(k -> k.contains("lora")));
        EvalResult again = TrainLoop.evaluate(merged::forward, ModelInput.prepare(ZooFineTuneTest.textures(4, 32, 2).test(), merged.cfg()), 64, 0.0);
        assertEquals(r.test().top1(), again.top1(), 1e-9, "the merged model reproduces the adapted model's accuracy");
    }
}
