package dev.graft.examples;

import dev.graft.fewshot.PrototypeClassifier;
import dev.graft.text.TextEncoder;
import dev.graft.text.VectorClassifier;
import dev.graft.zeroshot.ZeroShotClassifier;
import java.util.List;
import java.util.Locale;

/**
 * Classifies texts with no training: zero-shot, by comparing a text's embedding with prompts built
 * from label names, and few-shot, by the nearest class mean of a few labelled examples (prototypes).
 * The sentence embeddings come from the pretrained all-MiniLM-L6-v2 transformer, imported into a DJL
 * model on first use from the jar Graft depends on.
 */
public final class ZeroAndFewShot {
    private ZeroAndFewShot() {}

    public static void main(String[] args) {
        // example:begin zero-few-shot
        try (TextEncoder encoder = TextEncoder.open("all-MiniLM-L6-v2")) {
            float[] query = encoder.embed(List.of("a small furry pet that purrs"))[0];
            ZeroShotClassifier zeroShot = ZeroShotClassifier.build(encoder::embed, List.of("animal", "plant", "vehicle"),
                    null, ZeroShotClassifier.TEXT_TEMPLATES);
            for (VectorClassifier.Score s : zeroShot.rank(query)) {
                System.out.printf(Locale.ROOT, "zero-shot %-8s %.3f%n", s.label(), s.score());
            }

            // two examples per class are enough for prototypes
            float[][] support = encoder.embed(List.of("a dog barked at the door", "the horse ate hay",
                    "an oak tree in the park", "roses bloom in spring", "a truck on the motorway", "the train left at noon"));
            PrototypeClassifier fewShot = PrototypeClassifier.fit(support, new int[] {0, 0, 1, 1, 2, 2},
                    List.of("animal", "plant", "vehicle"));
            System.out.println("few-shot  " + fewShot.classNames().get(fewShot.predict(query)));
        }
        // example:end zero-few-shot
    }
}
