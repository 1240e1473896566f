package dev.graft.zeroshot;

import dev.graft.GraftException;
import dev.graft.SettingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Zero-shot classification with an embedding model, as open_clip's {@code build_zero_shot_classifier}:
 * every class is rendered through prompt templates ({@code "a description of {}."}), the template
 * embeddings are L2-normalised, averaged and normalised again into one class vector, and an input is
 * scored by cosine similarity to each class vector.
 *
 * <!-- example: ZeroAndFewShot#zero-few-shot -->
 * <pre>{@code
 * try (TextEncoder encoder = TextEncoder.open("all-MiniLM-L6-v2")) {
 *     float[] query = encoder.embed(List.of("a small furry pet that purrs"))[0];
 *     ZeroShotClassifier zeroShot = ZeroShotClassifier.build(encoder::embed, List.of("animal", "plant", "vehicle"),
 *             null, ZeroShotClassifier.TEXT_TEMPLATES);
 *     for (VectorClassifier.Score s : zeroShot.rank(query)) {
 *         System.out.printf(Locale.ROOT, "zero-shot %-8s %.3f%n", s.label(), s.score());
 *     }
 *
 *     // two examples per class are enough for prototypes
 *     float[][] support = encoder.embed(List.of("a dog barked at the door", "the horse ate hay",
 *             "an oak tree in the park", "roses bloom in spring", "a truck on the motorway", "the train left at noon"));
 *     PrototypeClassifier fewShot = PrototypeClassifier.fit(support, new int[] {0, 0, 1, 1, 2, 2},
 *             List.of("animal", "plant", "vehicle"));
 *     System.out.println("few-shot  " + fewShot.classNames().get(fewShot.predict(query)));
 * }
 * }</pre>
 */
public final class ZeroShotClassifier implements dev.graft.text.VectorClassifier {
    /** Prompt templates for text inputs; {@code {}} stands for the class name or description. */
    public static final List<String> TEXT_TEMPLATES = List.of(
            "{}", "a description of {}.", "this text is about {}.", "a dictionary definition of {}.", "something related to {}.");

    /**
     * Prompt templates for images with an image-text model (CLIP): open_clip's {@code SIMPLE_IMAGENET_TEMPLATES},
     * the seven-prompt ensemble of the CLIP paper's ImageNet evaluation.
     */
    public static final List<String> IMAGE_TEMPLATES = List.of("itap of a {}.", "a bad photo of the {}.", "a origami {}.",
            "a photo of the large {}.", "a {} in a video game.", "art of the {}.", "a photo of the small {}.");

    private final List<String> classNames;
    private final float[][] weights;

    private ZeroShotClassifier(List<String> classNames, float[][] weights) {
        this.classNames = List.copyOf(classNames);
        this.weights = weights;
    }

    /**
     * Builds the class vectors.
     *
     * @param embed texts to embedding rows (any scale; rows are normalised here)
     * @param classNames the labels reported
     * @param descriptions what to put in the templates per class (null: the class names)
     * @param templates prompt templates, each containing {@code {}}
     */
    public static ZeroShotClassifier build(Function<List<String>, float[][]> embed, List<String> classNames,
            List<String> descriptions, List<String> templates) {
        if (classNames.isEmpty()) {
            throw new SettingException(SettingException.Reason.TOO_FEW_LABELS, null, "no labels to classify into",
                    "give at least two class names, e.g. List.of(\"animal\", \"plant\")");
        }
        List<String> subjects = descriptions == null ? classNames : descriptions;
        if (subjects.size() != classNames.size()) {
            throw new GraftException(classNames.size() + " labels but " + subjects.size() + " descriptions", "give one description per label");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new GraftException("prompt template '" + t + "' has no {}", "put {} where the label goes");
            }
        }
        List<String> prompts = new ArrayList<>();
        for (String s : subjects) {
            if (s == null || s.isBlank()) {
                throw new GraftException("an empty label or description", "give every label some text");
            }
            for (String t : templates) {
                prompts.add(t.replace("{}", s.strip()));
            }
        }
        float[][] e = embed.apply(prompts);
        float[][] w = new float[classNames.size()][];
        for (int c = 0; c < classNames.size(); c++) {
            float[] mean = new float[e[0].length];
            for (int t = 0; t < templates.size(); t++) {
                float[] v = normalized(e[c * templates.size() + t]);
                for (int j = 0; j < mean.length; j++) {
                    mean[j] += v[j] / templates.size();
                }
            }
            w[c] = normalized(mean);
        }
        return new ZeroShotClassifier(classNames, w);
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    /** The normalised class vectors, C x D (a copy). */
    public float[][] weights() {
        float[][] out = new float[weights.length][];
        for (int i = 0; i < weights.length; i++) {
            out[i] = weights[i].clone();
        }
        return out;
    }

    /** Cosine similarity of {@code x} to every class, in class order. */
    @Override
    public float[] scores(float[] x) {
        float[] v = normalized(x);
        float[] s = new float[weights.length];
        for (int c = 0; c < weights.length; c++) {
            if (weights[c].length != v.length) {
                throw new GraftException("input has " + v.length + " dimensions, the classes " + weights[c].length,
                        "embed inputs with the model that built the classifier");
            }
            double dot = 0;
            for (int j = 0; j < v.length; j++) {
                dot += weights[c][j] * v[j];
            }
            s[c] = (float) dot;
        }
        return s;
    }

    static float[] normalized(float[] x) {
        double n = 0;
        for (float v : x) {
            n += (double) v * v;
        }
        double d = Math.max(Math.sqrt(n), 1e-12);
        float[] out = Arrays.copyOf(x, x.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (out[i] / d);
        }
        return out;
    }
}
