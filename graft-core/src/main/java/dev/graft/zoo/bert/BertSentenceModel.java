package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.nn.Classifier;
import dev.graft.zoo.nn.Init;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link BertModel} under the zoo's {@link dev.graft.zoo.GraftModel} contract: a sentence
 * encoder with sentence-transformers' mean pooling and an optional linear {@code classifier}.
 *
 * <p>Input {@code x}: token ids (N x L, integers); id 0 is padding and is masked out of attention
 * and pooling. {@link #forwardFeatures} is the last hidden state (N x L x H) with padding positions
 * set to zero, so {@link #forwardHead} needs no separate mask: with {@code preLogits} it returns the
 * mean of the non-padding token vectors (N x H, not L2-normalised; {@code TextEncoder} normalises
 * for similarity search), else the classifier's logits. State-dict keys are Hugging Face's
 * ({@code embeddings.*}, {@code encoder.layer.N.*}, {@code pooler.dense.*} when the config has a
 * pooler, {@code classifier.*}). There is no BatchNorm, so {@code freezeBatchNorm} changes nothing.
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("bert_minilm_l6_h384.sentence_transformers", CreateOptions.defaults().withPretrained(true).withNumClasses(4));
 * NDArray ids = manager.create(new long[][] {{101, 7592, 102, 0}});
 * NDArray sentence = m.forwardHead(ps, m.forwardFeatures(ps, ids, false), false, true);   // 1 x 384
 * }</pre>
 */
public final class BertSentenceModel extends ModelBase implements dev.graft.zoo.nn.LinearLayers, dev.graft.zoo.nn.PromptTunable.Holder {
    private final BertModel bert;
    private final Classifier classifier;
    private final double dropRate;

    public BertSentenceModel(PretrainedCfg cfg, ModelArgs args, BertConfig bertConfig) {
        super(cfg);
        this.bert = addChildBlock("bert", new BertModel(bertConfig));
        // HF's BertForSequenceClassification head: N(0, 0.02) weights, zero bias, named "classifier".
        this.classifier = module("classifier", new Classifier(bertConfig.hiddenSize(), args.numClasses(), Init.normal(0.02), true));
        this.dropRate = args.dropRate();
    }

    /**
     * transformers' config.json (BertConfig, RobertaConfig or DistilBertConfig fields, {@code id2label}
     * from {@code cfg}'s classes), so transformers loads the export and Graft reads it back in any process.
     */
    @Override
    public void writeConfig(PretrainedCfg cfg, java.nio.file.Path dir) {
        List<String> labels = dev.graft.zoo.Id2Label.namesFor(cfg);
        bert.config().withLabels(labels.isEmpty() ? null : labels).write(dir.resolve(dev.graft.zoo.ResolvedWeights.CONFIG_FILE));
    }

    /** The encoder, which carries a prompt-tuning adapter's virtual tokens. */
    @Override
    public dev.graft.zoo.nn.PromptTunable promptTunable() {
        return bert;
    }

    /** The encoder (for token-level use, e.g. with an attention mask of your own). */
    public BertModel bert() {
        return bert;
    }

    @Override
    protected Classifier classifier() {
        return classifier;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray[] states = intermediates(ps, x, training, bert.numLayers() - 1);
        return states[states.length - 1];
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        NDArray ids = tokenIds(name(), x);
        NDArray mask = paddingMask(ids, bert.config().padTokenId());
        NDArray keep = bert.extendMask(mask).toType(DataType.FLOAT32, false).expandDims(-1);   // virtual tokens (prompt tuning) are kept
        List<NDArray> states = bert.hiddenStates(ps, ids, mask, ids.zerosLike(), training, last);
        NDArray[] out = new NDArray[bert.numLayers()];
        for (int i = 0; i < states.size(); i++) {
            out[i] = states.get(i).mul(keep);
        }
        return out;
    }

    /** The token ids (N x L) a text model takes, as int64; one clear error for anything else (an image batch). */
    static NDArray tokenIds(String model, NDArray x) {
        if (x.getShape().dimension() != 2) {
            throw new GraftException(model + " takes token ids (N x L), not a tensor of shape " + x.getShape(),
                    "tokenise texts with dev.graft.text.TextTokenizer (images need an image model)");
        }
        return x.toType(DataType.INT64, false);
    }

    /** 1 for tokens, 0 for padding ({@code pad_token_id}: 0 for BERT, 1 for RoBERTa), as the tokenizer's attention mask. */
    static NDArray paddingMask(NDArray ids, int padTokenId) {
        return ids.neq(padTokenId).toType(DataType.INT64, false);
    }

    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray features, boolean training, boolean preLogits) {
        // Padding rows are exactly zero (forwardFeatures), token rows never are (LayerNorm output).
        NDArray tokens = features.abs().sum(new int[] {2}).gt(0f);
        NDArray pooled = BertModel.meanPool(features, tokens);
        if (preLogits) {
            return pooled;
        }
        if (training && dropRate > 0) {
            pooled = Dropout.dropout(pooled, (float) dropRate, true).singletonOrThrow();
        }
        return classifier.forward(ps, pooled, training);
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        return ParamGroup.stemStagesHead(new ParamGroup("embeddings", List.of("embeddings")), bert.numLayers(),
                i -> new ParamGroup("layer" + i, List.of(bert.config().layerPrefix() + i)), new ParamGroup("head", List.of("pooler", "classifier")));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        List<FeatureInfo> info = new ArrayList<>();
        for (int i = 0; i < bert.numLayers(); i++) {
            // One vector per token: no spatial reduction.
            info.add(new FeatureInfo(bert.config().layerPrefix() + i, bert.config().hiddenSize(), 1));
        }
        return info;
    }

    /** The encoder's linear layers under the paths of {@link #stateDict()} (the classifier is replaced, not adapted). */
    @Override
    public Map<String, dev.graft.zoo.nn.AdaptableLinear> linearLayers() {
        return bert.linearLayers();
    }

    /** Hugging Face keys: the encoder's (embeddings, encoder, pooler), then {@code classifier.*}. */
    @Override
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>(bert.stateDict());
        classifier.stateDict("classifier.", out);
        return out;
    }
}
