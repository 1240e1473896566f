package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
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
import dev.graft.zoo.nn.Linear;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * transformers' sequence classifiers, with their exact state-dict keys, so a fine-tuned checkpoint
 * from the Hub gives the logits it gives in Python and an export loads there strictly:
 * <ul>
 *   <li>{@code BertForSequenceClassification}: {@code bert.*} (with the pooler), dropout, {@code classifier};</li>
 *   <li>{@code RobertaForSequenceClassification}: {@code roberta.*} (no pooler), then on the first
 *       token {@code classifier.dense}, tanh, {@code classifier.out_proj};</li>
 *   <li>{@code DistilBertForSequenceClassification}: {@code distilbert.*}, then on the first token
 *       {@code pre_classifier}, ReLU, {@code classifier}.</li>
 * </ul>
 * A config.json whose {@code architectures} names one of them is created as this model.
 *
 * <p>Input {@code x}: token ids (N x L); the padding id is masked out of attention, as the
 * tokenizer's attention mask would. {@link #logits} takes an explicit mask and token types.
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("local-dir:distilbert-base-uncased-finetuned-sst-2-english");
 * NDArray logits = m.predict(ids);                          // N x 2
 * }</pre>
 */
public final class BertSequenceClassifier extends ModelBase implements dev.graft.zoo.nn.PromptTunable.Holder {
    private final BertModel encoder;
    private final Linear dense;
    private final Classifier classifier;
    private final double dropRate;

    public BertSequenceClassifier(PretrainedCfg cfg, ModelArgs args, BertConfig config) {
        super(cfg);
        BertConfig c = config.withArchitecture(config.sequenceClassificationClass(), !config.isRoberta() && !config.isDistilBert());
        this.encoder = addChildBlock("encoder", new BertModel(c));
        int h = c.hiddenSize();
        // transformers' _init_weights: N(0, 0.02) weights, zero biases.
        this.dense = c.isBert() ? null : module(c.isRoberta() ? "classifier.dense" : "pre_classifier",
                new Linear(h, h, Init.normal(0.02), Init.ZEROS));
        this.classifier = module(c.isRoberta() ? "classifier.out_proj" : "classifier", new Classifier(h, args.numClasses(), Init.normal(0.02), true));
        this.dropRate = args.dropRate();
    }

    /** The encoder, which carries a prompt-tuning adapter's virtual tokens (the head then reads the first, virtual, position, as PEFT). */
    @Override
    public dev.graft.zoo.nn.PromptTunable promptTunable() {
        return encoder;
    }

    /** The encoder (transformers' {@code bert} / {@code roberta} / {@code distilbert} submodule). */
    public BertModel bert() {
        return encoder;
    }

    /** The PyTorch name of the final linear layer: {@code classifier}, or RoBERTa's {@code classifier.out_proj}. */
    static String classifierName(BertConfig config) {
        return config.isRoberta() ? "classifier.out_proj" : "classifier";
    }

    @Override
    public String baseModelPrefix() {
        return encoder.config().baseModelPrefix();
    }

    @Override
    protected Classifier classifier() {
        return classifier;
    }

    /** transformers' config.json: the encoder's fields, {@code architectures} naming this head, {@code id2label}. */
    @Override
    public void writeConfig(PretrainedCfg cfg, java.nio.file.Path dir) {
        encoder.config().withLabels(dev.graft.zoo.Id2Label.namesFor(cfg)).write(dir.resolve(dev.graft.zoo.ResolvedWeights.CONFIG_FILE));
    }

    /** Logits (N x classes) for token ids with their attention mask and token types (N x L each), as transformers computes them. */
    public NDArray logits(ParameterStore ps, NDArray ids, NDArray mask, NDArray types, boolean training) {
        return forwardHead(ps, lastHidden(ps, ids, mask, types, training), training, false);
    }

    private NDArray lastHidden(ParameterStore ps, NDArray ids, NDArray mask, NDArray types, boolean training) {
        int n = encoder.numLayers();
        return encoder.hiddenStates(ps, ids, mask, types, training, n - 1).get(n - 1);
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        NDArray ids = BertSentenceModel.tokenIds(name(), x);
        return lastHidden(ps, ids, BertSentenceModel.paddingMask(ids, encoder.config().padTokenId()), ids.zerosLike(), training);
    }

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        NDArray ids = BertSentenceModel.tokenIds(name(), x);
        NDArray mask = BertSentenceModel.paddingMask(ids, encoder.config().padTokenId());
        return encoder.hiddenStates(ps, ids, mask, ids.zerosLike(), training, last).toArray(new NDArray[0]);
    }

    /** The head on the last hidden state (N x L x H); with {@code preLogits} the vector the last linear layer takes. */
    @Override
    public NDArray forwardHead(ParameterStore ps, NDArray hidden, boolean training, boolean preLogits) {
        NDArray x;
        BertConfig c = encoder.config();
        if (c.isBert()) {
            x = encoder.pool(ps, hidden, training);
        } else {
            NDArray first = hidden.get(new NDIndex(":, 0, :"));
            if (c.isRoberta()) {
                first = dropout(first, training);  // RobertaClassificationHead drops out before its dense layer too
            }
            x = dense.forward(ps, first, training);
            x = c.isRoberta() ? x.tanh() : ai.djl.nn.Activation.relu(x);
        }
        x = dropout(x, training);
        return preLogits ? x : classifier.forward(ps, x, training);
    }

    private NDArray dropout(NDArray x, boolean training) {
        return training && dropRate > 0 ? Dropout.dropout(x, (float) dropRate, true).singletonOrThrow() : x;
    }

    @Override
    public List<ParamGroup> groupMatcher() {
        String p = encoder.config().baseModelPrefix();
        return ParamGroup.stemStagesHead(new ParamGroup("embeddings", List.of(p + "embeddings")), encoder.numLayers(),
                i -> new ParamGroup("layer" + i, List.of(p + encoder.config().layerPrefix() + i)),
                new ParamGroup("head", List.of(p + "pooler", "pre_classifier", "classifier")));
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        List<FeatureInfo> info = new ArrayList<>();
        for (int i = 0; i < encoder.numLayers(); i++) {
            info.add(new FeatureInfo(encoder.config().baseModelPrefix() + encoder.config().layerPrefix() + i, encoder.config().hiddenSize(), 1));
        }
        return info;
    }

    /** transformers' keys: the encoder's behind its {@code base_model_prefix}, then the head's. */
    @Override
    public Map<String, Parameter> stateDict() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        encoder.stateDict().forEach((k, v) -> out.put(encoder.config().baseModelPrefix() + k, v));
        if (dense != null) {
            dense.stateDict(encoder.config().isRoberta() ? "classifier.dense." : "pre_classifier.", out);
        }
        classifier.stateDict(classifierName(encoder.config()) + ".", out);
        return out;
    }
}
