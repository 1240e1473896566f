package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.graft.GraftException;
import dev.graft.train.CardFrontMatter;
import dev.graft.train.RunDirectory;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertWeights;
import dev.graft.zoo.gpt2.Gpt2Config;
import dev.graft.zoo.gpt2.Gpt2Model;
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
 * {@code 1_Pooling/config.json}, and a model card {@code README.md}. A GPT-2 is saved as transformers'
 * {@code GPT2ForSequenceClassification}: {@code config.json} with that architecture, {@code id2label} and
 * {@code pad_token_id}, {@code model.safetensors} with {@code transformer.*} and {@code score.weight},
 * {@code tokenizer.json} and the card; {@code Zoo.create("local-dir:DIR")} loads it back.
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
        if (enc.gpt2() != null) {
            saveGpt2(enc, head, dir, modelCard);
            return;
        }
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

    /** {@link #save} of a GPT-2: transformers' GPT2ForSequenceClassification folder. */
    private static void saveGpt2(TextEncoder enc, TextHead head, Path dir, String modelCard) {
        for (float b : head.logits(new float[head.dimension()])) {
            if (b != 0) {
                throw new GraftException("a GPT-2 classifier head with a bias", "train it with TextFineTuner, which keeps score without bias");
            }
        }
        try {
            Files.createDirectories(dir);
            enc.gpt2().config().withLabels(head.classNames(), enc.padTokenId()).write(dir.resolve("config.json"));
            Files.writeString(dir.resolve("README.md"), modelCard);
        } catch (IOException e) {
            throw new GraftException("cannot write the model into " + dir + ": " + e.getMessage(), "check the folder is writable", e);
        }
        enc.bpeTokenizer().save(dir);
        try (NDManager nd = enc.manager().newSubManager()) {
            Map<String, Parameter> all = new LinkedHashMap<>();
            enc.parameters().forEach((k, p) -> all.put(k.startsWith(Gpt2Model.PREFIX) ? k : Gpt2Model.PREFIX + k, p));
            all.put("score.weight", Parameter.builder().setName("score.weight").setType(Parameter.Type.WEIGHT)
                    .optArray(head.weightArray(nd)).build());
            dev.graft.zoo.Weights.saveStateDict(all, dir.resolve("model.safetensors"), Map.of());
        }
    }

    /** The classifier head stored in a saved model folder (a GPT-2's {@code score}: a zero bias). */
    public static TextHead loadHead(Path dir) {
        if (Gpt2Config.MODEL_TYPE.equals(modelType(dir))) {
            Gpt2Config cfg = Gpt2Config.read(dir.resolve("config.json"));
            if (cfg.labels().isEmpty()) {
                throw new GraftException(dir + " is a GPT-2 without a classifier", "fine-tune it first with text-finetune");
            }
            try (NDManager nd = NDManager.newBaseManager()) {
                NDArray w = BertWeights.read(nd, dev.graft.weights.Checkpoint.locate(dir)).get("score.weight");
                if (w == null) {
                    throw new GraftException(dir + " has labels but no score.weight", "save the model again");
                }
                return TextHead.of(cfg.labels(), w, nd.zeros(new ai.djl.ndarray.types.Shape(cfg.labels().size())));
            }
        }
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

    private static String modelType(Path dir) {
        try {
            return dev.graft.util.Json.MAPPER.readTree(dir.resolve("config.json").toFile()).path("model_type").asText();
        } catch (IOException e) {
            throw new GraftException("cannot read " + dir.resolve("config.json") + ": " + e.getMessage(), "save the model again", e);
        }
    }

    /** A model card with the fine-tuning recipe and the test accuracy (Hugging Face model-index). */
    public static String card(String baseModel, String dataset, String recipe, double accuracy, int testSize, long seed) {
        String base = TextEncoder.MINILM_NAMES.contains(baseModel) ? dev.graft.zoo.bert.MiniLm.ID : baseModel;
        return card(base, "apache-2.0", "bert", """
                sentence vector = mean-pooled, L2-normalised token vectors,
                  then a linear classifier (`classifier.weight`, `classifier.bias`)""", dataset, recipe, accuracy, testSize, seed);
    }

    /** As {@link #card(String, String, String, double, int, long)} for the model {@code enc} holds (a GPT-2's card says how it pools). */
    public static String card(TextEncoder enc, String dataset, String recipe, double accuracy, int testSize, long seed) {
        if (enc.gpt2() == null) {
            return card(enc.name(), dataset, recipe, accuracy, testSize, seed);
        }
        String license = enc.gpt2().cfg().license();
        return card(enc.name(), license == null ? "mit" : license.toLowerCase(Locale.ROOT), "gpt2", String.format(Locale.ROOT, """
                GPT2ForSequenceClassification: the last hidden state at the last token
                  that is not the pad token (id %d), then `score.weight` (no bias)""", enc.padTokenId()),
                dataset, recipe, accuracy, testSize, seed);
    }

    private static String card(String base, String license, String family, String head, String dataset, String recipe, double accuracy,
            int testSize, long seed) {
        Map<String, Object> fm = new CardFrontMatter(license, "text-classification").withBaseModel(base).withDataset(dataset)
                .withTags("text-classification", family, "graft")
                .withResult(dataset + "-classifier", "text-classification", dataset, CardFrontMatter.metric("accuracy", null, accuracy))
                .toMap();
        return RunDirectory.cardText(fm, String.format(Locale.ROOT, """
                # %2$s classifier fine-tuned from %1$s

                - Base model: %1$s (%7$s).
                - Data: %2$s.
                - Recipe: %4$s, AdamW, seed %6$d; %8$s.
                - Test accuracy: %3$.4f on %5$d held-out texts.
                - Made with Graft; reproduce with `graft quickstart --seed %6$d`.
                """, base, dataset, accuracy, recipe, testSize, seed, license.equals("apache-2.0") ? "Apache-2.0" : license, head));
    }
}
