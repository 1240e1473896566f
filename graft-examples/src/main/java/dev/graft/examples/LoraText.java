package dev.graft.examples;

import dev.graft.peft.LoraAdapter;
import dev.graft.text.TextData;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextFineTuner;
import dev.graft.train.Strategy;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;

/**
 * LoRA on the shipped MiniLM ({@code docs/peft.md}): adapters on the attention's query and value
 * layers and a head, trained on a dozen texts, saved in PEFT's format, merged, and loaded back as the
 * base with the adapter. Usage: {@code LoraText [OUT_DIR]}.
 */
public final class LoraText {
    private LoraText() {}

    public static void main(String[] args) {
        Path out = Examples.outDir(args, "lora");
        TextData train = new TextData("toy", List.of("animal", "tool"),
                List.of("a cat", "a hammer", "a dog", "a saw", "a horse", "a drill", "a cow", "a wrench"), new int[] {0, 1, 0, 1, 0, 1, 0, 1});
        // example:begin adapter
        try (TextEncoder enc = TextEncoder.open("all-MiniLM-L6-v2")) {
            TextFineTuner.Result r = TextFineTuner.fit(enc, train, null, TextFineTuner.Options.defaults(Strategy.LORA), null, "lora",
                    TextFineTuner.defaultLora(enc).withR(4));
            LoraAdapter adapter = r.adapter();            // on the encoder, unmerged: W x + b + scale B(A x)
            adapter.save(out.resolve("adapter"));         // adapter_config.json + adapter_model.safetensors, PEFT's
            adapter.merge();                              // W + scale B A: a plain encoder, no extra parameters
        }
        GraftModel merged = Zoo.create("local-dir:" + out.resolve("adapter"), CreateOptions.defaults());  // base + adapter
        // example:end adapter
        System.out.println(merged.name() + ": " + merged.numParams() + " parameters; adapter in " + out.resolve("adapter"));
    }
}
