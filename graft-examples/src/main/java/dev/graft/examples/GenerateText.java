package dev.graft.examples;

import dev.graft.text.GenerationConfig;
import dev.graft.text.TextGenerator;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;

/**
 * Generates text with GPT-2: a test-sized random {@code gpt2_tiny} is written as a transformers folder
 * (config.json + model.safetensors) and loaded back with GPT-2's own tokenizer, fetched once into
 * GRAFT_HOME. With a real checkpoint's folder (e.g. one downloaded from the Hugging Face Hub) the same
 * lines write sensible English; the random network writes noise. Last, Graft's own small GPT
 * ({@code gpt2_graft_small.graft_wordnet_glosses}, pretrained by Graft on WordNet's glosses) continues a prompt,
 * then two prompts in one batch.
 */
public final class GenerateText {
    private GenerateText() {}

    public static void main(String[] args) {
        Path dir = Examples.outDir(args, "gpt2");
        GraftModel tiny = Zoo.create("gpt2_tiny");
        Weights.save(tiny, dir);
        // example:begin generate
        try (TextGenerator gpt2 = TextGenerator.load("local-dir:" + dir)) {
            GenerationConfig greedy = GenerationConfig.defaults().withMaxNewTokens(20);
            TextGenerator.Result r = gpt2.generate("The quick brown fox", greedy, System.out::print);   // streamed
            System.out.println();
            System.out.println(r.ids().length + " new tokens, finished by " + r.finishReason());

            GenerationConfig sampled = greedy.withDoSample(true).withTemperature(0.8).withTopK(40).withTopP(0.95)
                    .withRepetitionPenalty(1.2).withSeed(7L).withStopStrings(java.util.List.of("\n"));
            System.out.println(gpt2.generate("Once upon a time", sampled).text());
        }
        // example:end generate
        // example:begin graft-gpt
        try (TextGenerator own = TextGenerator.load("gpt2_graft_small.graft_wordnet_glosses")) {   // Graft's own GPT, shipped in the jar
            System.out.println(own.generate("guitar:", GenerationConfig.defaults().withMaxNewTokens(20)).text());
        }
        // example:end graft-gpt
        // example:begin batch
        try (TextGenerator own = TextGenerator.load("gpt2_graft_small.graft_wordnet_glosses")) {   // one left-padded batch
            for (TextGenerator.Result r : own.generate(java.util.List.of("dog:", "a small boat:"), GenerationConfig.defaults().withMaxNewTokens(10))) {
                System.out.println(r.text() + " (" + r.finishReason() + ")");
            }
        }
        // example:end batch
    }
}
