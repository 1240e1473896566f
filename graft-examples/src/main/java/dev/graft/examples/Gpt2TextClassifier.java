package dev.graft.examples;

import dev.graft.text.TextClassifierFiles;
import dev.graft.text.TextData;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextFineTuner;
import dev.graft.train.Strategy;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;

/**
 * A text classifier on Graft's own GPT ({@code docs/text.md}, "Classifying text with a GPT-2"):
 * {@code gpt2_graft_small.graft_wordnet_glosses} as transformers' {@code GPT2ForSequenceClassification}
 * (score, no bias, at the last token that is not the pad token, here the end-of-text id), LoRA on
 * {@code c_attn} and the head trained on a few texts, merged and saved in transformers' layout, and
 * loaded back by the zoo. Usage: {@code Gpt2TextClassifier [OUT_DIR]}.
 */
public final class Gpt2TextClassifier {
    private Gpt2TextClassifier() {}

    public static void main(String[] args) {
        Path out = Examples.outDir(args, "gpt2-classifier");
        TextData train = new TextData("toy", List.of("animal", "tool"),
                List.of("a cat", "a hammer", "a dog", "a saw", "a horse", "a drill", "a cow", "a wrench"), new int[] {0, 1, 0, 1, 0, 1, 0, 1});
        // example:begin gpt2-classifier
        try (TextEncoder gpt = TextEncoder.open("gpt2_graft_small.graft_wordnet_glosses")) {   // pads with eos 50256, and says so
            TextFineTuner.Result r = TextFineTuner.fit(gpt, train, null, TextFineTuner.Options.defaults(Strategy.LORA), null, "lora");
            r.adapter().merge();                                                                   // W + scale B A
            TextClassifierFiles.save(gpt, r.head(), out, TextClassifierFiles.card(gpt, "toy", "lora", Double.NaN, 0, 42));
        }
        GraftModel classifier = Zoo.create("local-dir:" + out);   // GPT2ForSequenceClassification: transformer.* + score.weight
        // example:end gpt2-classifier
        System.out.println(classifier.name() + ": " + classifier.numClasses() + " classes, in " + out);
    }
}
