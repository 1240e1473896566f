package dev.graft.examples;

import dev.graft.hub.Hub;
import dev.graft.hub.protocol.RepoType;
import dev.graft.peft.Ia3Config;
import dev.graft.peft.LoraAdapter;
import dev.graft.peft.PromptTuningConfig;
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
 * IA3 and prompt tuning on the shipped MiniLM ({@code docs/peft.md}), each trained on a dozen texts and
 * saved in PEFT's format, then the IA3 adapter published to a hub of the example's own and loaded back
 * by its name: {@code Zoo.create("hf-hub:alice/toy-ia3")} reads {@code adapter_config.json}, loads the
 * base it names and applies the adapter. Usage: {@code PeftAdapters [WORK_DIR]}.
 */
public final class PeftAdapters {
    private PeftAdapters() {}

    public static void main(String[] args) throws Exception {
        Path work = Examples.outDir(args, "peft");
        TextData train = new TextData("toy", List.of("animal", "tool"),
                List.of("a cat", "a hammer", "a dog", "a saw", "a horse", "a drill", "a cow", "a wrench"), new int[] {0, 1, 0, 1, 0, 1, 0, 1});
        // example:begin ia3
        try (TextEncoder enc = TextEncoder.open("all-MiniLM-L6-v2")) {
            Ia3Config ia3 = TextFineTuner.defaultIa3(enc);    // PEFT's BERT targets: key, value, output.dense (feed-forward)
            TextFineTuner.Result r = TextFineTuner.fit(enc, train, null, TextFineTuner.Options.defaults(Strategy.IA3), null, "ia3", ia3);
            r.adapter().save(work.resolve("ia3"), "text-classification", r.adapter().cardBody("IA3 adapter of MiniLM", "toy"));
            System.out.println("ia3: " + r.adapter().numTrainable() + " parameters trained");
        }
        // example:end ia3
        // example:begin prompt-tuning
        try (TextEncoder enc = TextEncoder.open("all-MiniLM-L6-v2")) {
            PromptTuningConfig pt = TextFineTuner.defaultPromptTuning(enc).withNumVirtualTokens(8).withInitText("is it an animal or a tool");
            TextFineTuner.Result r = TextFineTuner.fit(enc, train, null, TextFineTuner.Options.defaults(Strategy.PROMPT_TUNING), null, "prompt tuning", pt);
            r.adapter().save(work.resolve("prompt"));       // prompt_embeddings (8 x 384) and the head; nothing to merge
        }
        try (TextEncoder tuned = TextEncoder.open("local-dir:" + work.resolve("prompt"))) {   // MiniLM carrying the 8 virtual tokens
            System.out.println("prompt tuning: " + tuned.embed(List.of("a sheep"))[0].length + "-dim vectors");
        }
        // example:end prompt-tuning
        Examples.onLocalHub(work, () -> {
            // example:begin by-name
            new Hub().push(RepoType.MODEL, "alice/toy-ia3", work.resolve("ia3"), null, "IA3 adapter", false);
            GraftModel m = Zoo.create("hf-hub:alice/toy-ia3", CreateOptions.defaults());    // the base it names + the adapter, merged
            LoraAdapter again = LoraAdapter.load("hf-hub:alice/toy-ia3", "topics");          // or the adapter alone, to switch on a base
            // example:end by-name
            System.out.println(m.name() + ": " + m.numClasses() + " classes; adapter " + again.name() + " (" + again.config().peftType() + ")");
            again.close();
        });
    }
}
