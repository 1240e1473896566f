package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.train.CardFrontMatter;
import dev.graft.train.RunDirectory;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A fine-tuned text classifier on disk, in the layout of a Hugging Face model repository:
 * {@code config.json} (the BERT config with {@code id2label}), {@code model.safetensors} (encoder
 * plus {@code classifier.weight} / {@code classifier.bias}), {@code tokenizer.json},
 * {@code sentence_bert_config.json}, sentence-transformers' {@code modules.json} and
 * {@code 1_Pooling/config.json}, and a model card {@code README.md}.
 *
 * <pre>{@code
 * TextClassifierFiles.save(encoder, head, dir, TextClassifierFiles.card(...));
 * try (TextEncoder enc = TextEncoder.load(dir, null)) { TextHead head = TextClassifierFiles.loadHead(dir); }
 * }</pre>
 */
public final class TextClassifierFiles {
    private TextClassifierFiles() {}

    /** Writes the encoder's current weights, the head and the tokenizer into {@code dir}. */
    public static void save(TextEncoder enc, TextHead head, Path dir, String modelCard) {
        try {
            Files.createDirectories(dir);
            enc.model().config().withLabels(head.classNames()).write(dir.resolve("config.json"));
            for (String f : List.of("tokenizer.json", "sentence_bert_config.json")) {
                if (Files.isRegularFile(enc.dir().resolve(f))) {
                    Files.copy(enc.dir().resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            enc.pooling().write(dir, enc.model().config().hiddenSize());  // so sentence-transformers loads the folder too
            Files.writeString(dir.resolve("README.md"), modelCard);
        } catch (IOException e) {
            throw new GraftException("cannot write the model into " + dir + ": " + e.getMessage(), "check the folder is writable", e);
        }
        try (NDManager nd = enc.manager().newSubManager()) {
            Map<String, Parameter> all = new LinkedHashMap<>(enc.model().stateDict());
            all.put("classifier.weight", Parameter.builder().setName("classifier.weight").setType(Parameter.Type.WEIGHT)
                    .optArray(head.weightArray(nd)).build());
            all.put("classifier.bias", Parameter.builder().setName("classifier.bias").setType(Parameter.Type.BIAS)
                    .optArray(head.biasArray(nd)).build());
            BertWeights.write(all, dir.resolve("model.safetensors"));
        }
    }

    /** The classifier head stored in a saved model folder. */
    public static TextHead loadHead(Path dir) {
        BertConfig cfg = BertConfig.read(dir.resolve("config.json"));
        List<String> labels = cfg.labels();
        if (labels.isEmpty()) {
            throw new GraftException(dir + " is a plain encoder without a classifier", "fine-tune it first, or use zero-shot / few-shot");
        }
        try (NDManager nd = NDManager.newBaseManager()) {
            Map<String, NDArray> sd = BertWeights.read(nd, dev.graft.weights.Checkpoint.locate(dir));
            NDArray w = sd.get("classifier.weight");
            NDArray b = sd.get("classifier.bias");
            if (w == null || b == null) {
                throw new GraftException(dir + " has labels but no classifier.weight / classifier.bias", "save the model again");
            }
            return TextHead.of(labels, w, b);
        }
    }

    /** A model card with the fine-tuning recipe and the test accuracy (Hugging Face model-index). */
    public static String card(String baseModel, String dataset, String recipe, double accuracy, int testSize, long seed) {
        String base = TextEncoder.MINILM_NAMES.contains(baseModel) ? dev.graft.zoo.bert.MiniLm.ID : baseModel;
        Map<String, Object> fm = new CardFrontMatter("apache-2.0", "text-classification").withBaseModel(base).withDataset(dataset)
                .withTags("text-classification", "bert", "graft")
                .withResult(dataset + "-classifier", "text-classification", dataset, CardFrontMatter.metric("accuracy", null, accuracy))
                .toMap();
        return RunDirectory.cardText(fm, String.format(Locale.ROOT, """
                # %2$s classifier fine-tuned from %1$s

                - Base model: %1$s (Apache-2.0).
                - Data: %2$s.
                - Recipe: %4$s, AdamW, seed %6$d; sentence vector = mean-pooled, L2-normalised token vectors,
                  then a linear classifier (`classifier.weight`, `classifier.bias`).
                - Test accuracy: %3$.4f on %5$d held-out texts.
                - Made with Graft; reproduce with `graft quickstart --seed %6$d`.
                """, base, dataset, accuracy, recipe, testSize, seed));
    }
}
