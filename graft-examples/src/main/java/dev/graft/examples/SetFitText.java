package dev.graft.examples;

import dev.graft.fewshot.SetFit;
import dev.graft.text.TextData;
import dev.graft.text.TextEncoder;
import java.util.List;

/**
 * Few-shot text classification by SetFit: the pretrained all-MiniLM-L6-v2 encoder is fine-tuned
 * contrastively on pairs of three labels' example texts (two per label), then a logistic-regression
 * head is fitted on its sentence vectors and classifies a new text.
 */
public final class SetFitText {
    private SetFitText() {}

    public static void main(String[] args) {
        TextData support = new TextData("support", List.of("animal", "plant", "vehicle"),
                List.of("a dog barked at the door", "the horse ate hay", "an oak tree in the park", "roses bloom in spring",
                        "a truck on the motorway", "the train left at noon"),
                new int[] {0, 0, 1, 1, 2, 2});
        // example:begin setfit
        try (TextEncoder encoder = TextEncoder.open("all-MiniLM-L6-v2")) {
            SetFit.Result r = SetFit.fit(encoder, support, SetFit.Options.defaults());   // support: a TextData, 2+ texts per label
            int c = r.head().predict(encoder.embed(List.of("a small furry pet that purrs"))[0]);
            System.out.println(r.head().classNames().get(c));
        }
        // example:end setfit
    }
}
