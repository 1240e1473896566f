package dev.graft.zoo.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextTokenizer;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.ModelArgs;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.vit.ViTForImageClassification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * transformers' {@code VisionTextDualEncoderModel} with a ViT vision tower and a BERT (or RoBERTa)
 * text tower: {@code logit_scale}, {@code vision_model.*} ({@code ViTModel}'s keys, its pooler
 * included), {@code text_model.*} ({@code BertModel}'s, with its pooler), {@code visual_projection}
 * and {@code text_projection} (no bias) on the towers' {@code pooler_output}. The same outputs as
 * {@link ClipModel} ({@link ImageTextModel#run}); under the model contract an image model whose
 * pre-logits features are the image embedding.
 *
 * <pre>{@code
 * ImageTextModel m = (ImageTextModel) Zoo.create("local-dir:vit-bert");   // model_type vision-text-dual-encoder
 * }</pre>
 *
 * <p>With a referenced text tower ({@link DualEncoderConfig#lockedTextModel}) the state dict leaves
 * out the text tower's encoder (its pooler stays): those weights are read from the named text model
 * when the model is initialised, so a checkpoint of a LiT-trained model holds only what was trained.
 */
public final class VisionTextDualEncoder extends ImageTextBase {
    private final DualEncoderConfig config;
    private final ViTForImageClassification.VitModel visionModel;
    private final BertModel textModel;

    public VisionTextDualEncoder(PretrainedCfg cfg, ModelArgs args, DualEncoderConfig config) {
        super(cfg, config.logitScaleInitValue());
        this.config = config;
        int grid = args.imgSize() / config.visionConfig().patchSize();
        visionModel = module("vision_model", new ViTForImageClassification.VitModel(args.inChans(), config.visionConfig(), grid, true));
        textModel = addChildBlock("text_model", new BertModel(config.textConfig()));
        projections(config.visionConfig().hiddenSize(), config.textConfig().hiddenSize(), config.projectionDim(), args.numClasses());
    }

    /** The text tower (transformers' {@code BertModel}, with its pooler). */
    public BertModel textModel() {
        return textModel;
    }

    /** Initialises the parameters, then reads a referenced text tower's weights from the model it names. */
    @Override
    public void initialize(NDManager nd, DataType dataType, Shape... inputShapes) {
        super.initialize(nd, dataType, inputShapes);
        if (config.lockedTextModel() != null) {
            loadTextTower(TextEncoder.resolve(config.lockedTextModel()));
        }
    }

    /**
     * Copies the weights of the text model folder {@code dir} (e.g. all-MiniLM-L6-v2's) into the text
     * tower; only the pooler may be missing there (sentence encoders often keep none), it then keeps its initial weights.
     */
    public void loadTextTower(Path dir) {
        List<String> missing = TextEncoder.loadWeights(textModel, dir).stream().filter(k -> !k.startsWith("pooler.")).toList();
        if (!missing.isEmpty()) {
            throw new GraftException("the text model in " + dir + " lacks " + missing.size() + " tensors of " + name() + "'s text tower, e.g. '"
                    + missing.get(0) + "'", "reference the text model the dual encoder was built from (text_config must match its config.json)");
        }
    }

    /** The transformers config this model has. */
    public DualEncoderConfig config() {
        return config;
    }

    @Override
    public void writeConfig(PretrainedCfg cfg, Path dir) {
        ClipModels.write(this, cfg, dir);
    }

    /** {@code VisionTextDualEncoderModel}'s keys in its order: logit_scale, vision_model, text_model, the projections (and a classifier). */
    @Override
    public Map<String, Parameter> stateDict() {
        // The module tree holds all but the text tower (a BertModel, with its own keys): it goes after vision_model.
        Map<String, Parameter> modules = super.stateDict();
        Map<String, Parameter> out = new LinkedHashMap<>();
        boolean referenced = config.lockedTextModel() != null;
        modules.forEach((k, v) -> {
            if (k.startsWith("visual_projection.")) {
                // A referenced tower keeps only its pooler here; the named model holds the rest.
                textModel.stateDict().forEach((tk, tv) -> {
                    if (!referenced || tk.startsWith("pooler.")) {
                        out.putIfAbsent("text_model." + tk, tv);
                    }
                });
            }
            out.put(k, v);
        });
        return out;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) {
        return visionModel.forward(ps, x, training);
    }

    @Override
    protected NDArray pooledImage(ParameterStore ps, NDArray features, boolean training) {
        return visionModel.pooled(ps, features, training);
    }

    /** BertModel's pooler_output (tanh of a Linear on the first token): (B, text width). */
    @Override
    public NDArray pooledText(ParameterStore ps, NDArray inputIds, NDArray attentionMask, boolean training) {
        long vocab = config.textConfig().vocabSize();
        NDArray ids = inputIds.toType(DataType.INT64, false);
        if (ids.getShape().dimension() != 2 || ids.min().getLong() < 0 || ids.max().getLong() >= vocab) {
            throw new GraftException("token ids of shape " + ids.getShape() + " do not fit " + name() + "'s text tower (vocabulary " + vocab + ")",
                    "tokenise with the text tower's own tokenizer.json into int64 (N, L)");
        }
        NDArray mask = attentionMask == null ? ids.onesLike() : attentionMask.toType(DataType.INT64, false);
        return textModel.forward(ps, new NDList(ids, mask, ids.zerosLike()), training).get(1);
    }

    /** Text embeddings of texts tokenised by the text tower's tokenizer (padded with its pad token, masked). */
    @Override
    public float[][] encodeTexts(TextTokenizer tokenizer, List<String> texts) {
        TextTokenizer.Batch b = tokenizer.encode(texts);
        try (NDManager nd = manager().newSubManager(); NoGrad ignored = NoGrad.enter()) {
            NDArray ids = nd.create(b.ids(), new Shape(b.size(), b.length()));
            NDArray mask = nd.create(b.mask(), new Shape(b.size(), b.length()));
            return ImageTextModel.rows(textFeatures(null, ids, mask, false));
        }
    }

    /** The text tower's WordPiece tokenizer from {@code tokenizer.json}: [CLS] ... [SEP], cut to the tower's positions, padded with its pad id. */
    @Override
    public TextTokenizer tokenizer(Path tokenizerJson) {
        return TextTokenizer.load(tokenizerJson, Math.min(MAX_TEXT_TOKENS, config.textConfig().maxSequenceLength()), config.textConfig().padTokenId());
    }

    /** The longest caption or prompt the text tower reads, in tokens (sentence-transformers' all-MiniLM-L6-v2 limit). */
    public static final int MAX_TEXT_TOKENS = 256;

    @Override
    protected NDArray[] intermediates(ParameterStore ps, NDArray x, boolean training, int last) {
        throw new GraftException(name() + " does not give intermediate feature maps", "use forwardFeatures (the vision tower's last hidden state)");
    }

    @Override
    public List<FeatureInfo> featureInfo() {
        return List.of();
    }

    /** stem (the text tower, logit_scale and the vision embeddings), the vision tower, head (pooler, projection, classifier). */
    @Override
    public List<ParamGroup> groupMatcher() {
        List<ParamGroup> groups = new ArrayList<>();
        groups.add(new ParamGroup("stem", List.of("logit_scale", "text_model", "text_projection", "vision_model.embeddings")));
        groups.add(new ParamGroup("encoder", List.of("vision_model.encoder")));
        groups.add(new ParamGroup("head", List.of("vision_model.layernorm", "vision_model.pooler", "visual_projection", "classifier")));
        return groups;
    }
}
