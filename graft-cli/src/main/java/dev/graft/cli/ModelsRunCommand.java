package dev.graft.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.progress.Output;
import dev.graft.weights.DType;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.WeightsSources;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertSentenceModel;
import dev.graft.zoo.bert.BertSequenceClassifier;
import dev.graft.zoo.gpt2.Gpt2Model;
import dev.graft.zoo.clip.ImageTextModel;
import dev.graft.zoo.clip.ClipModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft models run}: one inference pass from safetensors to safetensors. */
@Command(name = "run", description = "Run a model in inference mode on a safetensors file: images as 'pixel_values' (or 'input'; NCHW float32) give 'logits'; "
        + "text as 'input_ids' (+ 'attention_mask', 'token_type_ids') gives 'last_hidden_state' (+ 'pooler_output'), or a sequence classifier's 'logits'; "
        + "for GPT-2, 'logits' (the bare GPT2Model: 'last_hidden_state'); "
        + "a CLIP model takes both 'pixel_values' and 'input_ids' (+ 'attention_mask') and gives 'logits_per_image', 'logits_per_text', 'image_embeds', 'text_embeds'.")
public final class ModelsRunCommand implements Callable<Integer> {
    /** Names the image batch may have, in the order they are looked for (transformers' first). */
    static final List<String> IMAGE_TENSORS = List.of("pixel_values", "input");

    /** The output tensor's name: Hugging Face's, so transformers-side scripts read it unchanged. */
    static final String LOGITS = "logits";

    @Parameters(paramLabel = "NAME", description = "Architecture with --weights (resnet18), a pretrained name (arch.tag) or a source (local-dir:DIR, hf-hub:org/name).")
    String name;

    @Option(names = "--weights", paramLabel = "W.safetensors",
            description = "State dict with PyTorch keys (for an architecture name): a safetensors file, or the model.safetensors.index.json of a sharded checkpoint.")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "IN.safetensors", description = "File holding the tensor 'pixel_values' (or 'input').")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "Where the tensor 'logits' goes (the Hugging Face name).")
    Path output;

    @Option(names = "--num-classes", paramLabel = "N", description = "Classifier outputs of the weights (default: the architecture's).")
    Integer numClasses;

    @Option(names = "--non-strict", description = "Load even if keys are missing or unexpected (they are reported).")
    boolean nonStrict;

    @Option(names = "--img-size", paramLabel = "N", description = "Input height and width when they are not the model's (default: its input size).")
    Integer imgSize;

    /**
     * Checks the tensor against what the model takes: float32, N x C x H x W with the model's channels
     * and size (or {@code --img-size}), so a wrong file fails with one line instead of a wrong answer.
     */
    long[] checkInput(String tensor, DType dtype, long[] shape, List<Integer> modelInput) {
        String want = modelInput == null || modelInput.size() != 3 ? "N x C x H x W"
                : "N x " + modelInput.get(0) + " x " + (imgSize != null ? imgSize : modelInput.get(1)) + " x "
                        + (imgSize != null ? imgSize : modelInput.get(2));
        if (dtype != DType.F32) {
            throw new GraftException("tensor '" + tensor + "' of " + input + " is " + dtype + ", " + name + " takes float32",
                    "save the images as float32 " + want + ", scaled to [0, 1] and normalised with the model's mean and std (graft models info " + name + ")");
        }
        String got = String.join(" x ", Arrays.stream(shape).mapToObj(Long::toString).toList());
        if (shape.length != 4 || shape[0] < 1) {
            throw new GraftException("tensor '" + tensor + "' of " + input + " is " + got + ", " + name + " takes " + want, "give a batch of images as " + want);
        }
        if (modelInput != null && modelInput.size() == 3) {
            long h = imgSize != null ? imgSize : modelInput.get(1);
            long w = imgSize != null ? imgSize : modelInput.get(2);
            if (shape[1] != modelInput.get(0) || shape[2] != h || shape[3] != w) {
                throw new GraftException("tensor '" + tensor + "' of " + input + " is " + got + ", " + name + " takes " + want,
                        shape[1] != modelInput.get(0) ? "give " + modelInput.get(0) + " channel(s) per image"
                                : "resize the images to " + h + " x " + w + ", or pass --img-size " + shape[2] + " if the model takes that size");
            }
        }
        return shape;
    }

    /** The image batch's tensor: 'pixel_values' as transformers names it, or 'input' as Graft always has. */
    String imagesTensor(SafeTensors in) {
        for (String candidate : IMAGE_TENSORS) {
            if (in.contains(candidate)) {
                return candidate;
            }
        }
        throw new GraftException(input + " has no tensor named '" + String.join("' or '", IMAGE_TENSORS) + "'",
                "save the images as '" + IMAGE_TENSORS.get(0) + "' (N, C, H, W) float32");
    }

    /** transformers' names for a text batch, and for what the encoder returns. */
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    static final String POOLER_OUTPUT = "pooler_output";

    @Override
    public Integer call() {
        try (SafeTensors in = SafeTensors.open(input); NDManager nd = NDManager.newBaseManager()) {
            // A source is resolved once (a hub snapshot checks its revision online): its cfg for the check, its folder for the model.
            String created = name;
            PretrainedCfg cfg;
            if (name.startsWith(WeightsSources.HF_HUB)) {
                ResolvedWeights source = Zoo.source(name);
                cfg = source.cfg();
                created = WeightsSources.LOCAL_DIR + source.weightsFile().toAbsolutePath().getParent();
            } else {
                cfg = Zoo.cfg(name);
            }
            if (ClipModels.IMAGE_TEXT_FAMILIES.contains(Zoo.architecture(cfg.architecture()).family())) {
                return runClip(in, nd, created, cfg);
            }
            if (in.contains(INPUT_IDS)) {
                return runText(in, nd, created);
            }
            String images = imagesTensor(in);
            long[] shape = checkInput(images, in.info(images).dtype(), in.info(images).shape(), cfg.inputSize());
            CreateOptions o = CreateOptions.defaults().withStrict(!nonStrict).withInChans((int) shape[1]).withImgSize((int) shape[2]);
            o = withWeights(o);
            ModelBase model = (ModelBase) Zoo.create(created, o);
            NDArray x = in.toNDArray(nd, images).toType(DataType.FLOAT32, false);
            long t0 = System.nanoTime();
            NDArray y = model.predict(x);
            Output.note(String.format("%s: %s -> %s in %.0f ms", model.name(), x.getShape(), y.getShape(), (System.nanoTime() - t0) / 1e6));
            SafeTensors.write(output, Map.of(LOGITS, y), Map.of("model", model.name(), "format", "pt"));
        }
        return 0;
    }

    /**
     * A text encoder's pass as transformers' {@code BertModel} / {@code RobertaModel} / {@code DistilBertModel} makes it:
     * {@code input_ids} (+ {@code attention_mask}, {@code token_type_ids}) in, {@code last_hidden_state}
     * (+ {@code pooler_output} when the model has a pooler) out.
     */
    private int runText(SafeTensors in, NDManager nd, String source) {
        long[] shape = idsShape(in);
        CreateOptions o = CreateOptions.defaults().withStrict(!nonStrict);
        o = withWeights(o);
        GraftModel created = Zoo.create(source, o);
        NDArray ids = in.toNDArray(nd, INPUT_IDS).toType(DataType.INT64, false);
        if (created instanceof Gpt2Model gpt2) {
            return runCausal(in, nd, gpt2, ids, shape);
        }
        BertModel encoder = created instanceof BertSentenceModel s ? s.bert() : created instanceof BertSequenceClassifier c ? c.bert() : null;
        if (encoder == null) {
            throw new GraftException(input + " holds '" + INPUT_IDS + "' but " + created.name() + " is an image model",
                    "give an image batch as '" + IMAGE_TENSORS.get(0) + "', or a text model (BERT, RoBERTa, DistilBERT, GPT-2)");
        }
        checkIds(ids, encoder.config().vocabSize(), created.name());
        NDList inputs = new NDList(ids, optional(in, nd, ATTENTION_MASK, shape, ids.onesLike()),
                optional(in, nd, TOKEN_TYPE_IDS, shape, ids.zerosLike()));
        long t0 = System.nanoTime();
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NoGrad ignored = NoGrad.enter()) {
            ParameterStore ps = new ParameterStore(nd, false);
            if (created instanceof BertSequenceClassifier classifier) {
                tensors.put(LOGITS, classifier.logits(ps, inputs.get(0), inputs.get(1), inputs.get(2), false));
            } else {
                NDList out = encoder.forward(ps, inputs, false);
                tensors.put(LAST_HIDDEN_STATE, out.get(0));
                if (out.size() > 1) {
                    tensors.put(POOLER_OUTPUT, out.get(1));
                }
            }
        }
        NDArray first = tensors.values().iterator().next();
        Output.note(String.format("%s: %s -> %s in %.0f ms", created.name(), ids.getShape(), first.getShape(), (System.nanoTime() - t0) / 1e6));
        SafeTensors.write(output, tensors, Map.of("model", created.name(), "format", "pt"));
        return 0;
    }

    /** Refuses token ids outside the model's vocabulary, naming the range found. */
    private void checkIds(NDArray ids, long vocab, String model) {
        long lowest = ids.min().getLong();
        long highest = ids.max().getLong();
        if (lowest < 0 || highest >= vocab) {
            throw new GraftException("tensor '" + INPUT_IDS + "' of " + input + " holds token ids " + lowest + ".." + highest + ", but "
                    + model + " has a vocabulary of " + vocab, "tokenise with the model's own tokenizer.json");
        }
    }

    /**
     * A GPT-2 pass as transformers' {@code GPT2LMHeadModel} makes it: {@code input_ids} (+ {@code attention_mask})
     * in, {@code logits} out; the bare {@code GPT2Model} gives {@code last_hidden_state}.
     */
    private int runCausal(SafeTensors in, NDManager nd, Gpt2Model model, NDArray ids, long[] shape) {
        checkIds(ids, model.config().vocabSize(), model.name());
        NDArray mask = in.contains(ATTENTION_MASK) ? optional(in, nd, ATTENTION_MASK, shape, null) : null;
        long t0 = System.nanoTime();
        NDArray result;
        try (NoGrad ignored = NoGrad.enter()) {
            ParameterStore ps = new ParameterStore(nd, false);
            // A classifier pools at the last non-padding token (pad_token_id), as GPT2ForSequenceClassification does.
            NDList out = model.numClasses() > 0 ? new NDList(model.forward(ps, ids, false)) : model.forwardTokens(ps, ids, mask, null, false);
            result = model.hasLmHead() ? out.get(1) : out.get(0);
        }
        Output.note(String.format("%s: %s -> %s in %.0f ms", model.name(), ids.getShape(), result.getShape(), (System.nanoTime() - t0) / 1e6));
        SafeTensors.write(output, Map.of(model.hasLmHead() || model.numClasses() > 0 ? LOGITS : LAST_HIDDEN_STATE, result), Map.of("model", model.name(), "format", "pt"));
        return 0;
    }

    /** The shape of 'input_ids', refused unless int64 (or int32) N x L. */
    private long[] idsShape(SafeTensors in) {
        long[] shape = in.info(INPUT_IDS).shape();
        if (shape.length != 2 || !List.of(DType.I64, DType.I32).contains(in.info(INPUT_IDS).dtype())) {
            throw new GraftException("tensor '" + INPUT_IDS + "' of " + input + " is " + in.info(INPUT_IDS).dtype() + " "
                    + Arrays.toString(shape) + ", a text model takes int64 N x L token ids", "save the token ids as int64 (N, L)");
        }
        return shape;
    }

    /** transformers' CLIPModel outputs. */
    static final String LOGITS_PER_IMAGE = "logits_per_image";
    static final String LOGITS_PER_TEXT = "logits_per_text";
    static final String IMAGE_EMBEDS = "image_embeds";
    static final String TEXT_EMBEDS = "text_embeds";

    /**
     * An image-text model's pass as transformers' {@code CLIPModel} (or {@code VisionTextDualEncoderModel}) makes it: {@code pixel_values} and
     * {@code input_ids} (+ {@code attention_mask}) in, {@code logits_per_image}, {@code logits_per_text},
     * {@code image_embeds} and {@code text_embeds} (L2-normalised) out.
     */
    private int runClip(SafeTensors in, NDManager nd, String source, PretrainedCfg cfg) {
        if (!in.contains(INPUT_IDS) || !in.contains(IMAGE_TENSORS.get(0))) {
            throw new GraftException(input + " has no tensor '" + (in.contains(INPUT_IDS) ? IMAGE_TENSORS.get(0) : INPUT_IDS) + "', and "
                    + cfg.architecture() + " (an image-text model) takes images and texts together",
                    "save both '" + IMAGE_TENSORS.get(0) + "' (N, C, H, W) float32 and '" + INPUT_IDS + "' (M, L) int64, as CLIPProcessor makes them");
        }
        long[] shape = checkInput(IMAGE_TENSORS.get(0), in.info(IMAGE_TENSORS.get(0)).dtype(), in.info(IMAGE_TENSORS.get(0)).shape(), cfg.inputSize());
        long[] idsShape = idsShape(in);
        CreateOptions o = CreateOptions.defaults().withStrict(!nonStrict).withInChans((int) shape[1]).withImgSize((int) shape[2]);
        ImageTextModel model = (ImageTextModel) Zoo.create(source, withWeights(o));
        NDArray pixels = in.toNDArray(nd, IMAGE_TENSORS.get(0)).toType(DataType.FLOAT32, false);
        NDArray ids = in.toNDArray(nd, INPUT_IDS).toType(DataType.INT64, false);
        NDArray mask = in.contains(ATTENTION_MASK) ? optional(in, nd, ATTENTION_MASK, idsShape, null) : null;
        long t0 = System.nanoTime();
        ImageTextModel.Output out = model.run(pixels, ids, mask);
        Output.note(String.format("%s: %s + %s -> %s in %.0f ms", model.name(), pixels.getShape(), ids.getShape(), out.logitsPerImage().getShape(),
                (System.nanoTime() - t0) / 1e6));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put(LOGITS_PER_IMAGE, out.logitsPerImage());
        tensors.put(LOGITS_PER_TEXT, out.logitsPerText());
        tensors.put(IMAGE_EMBEDS, out.imageEmbeds());
        tensors.put(TEXT_EMBEDS, out.textEmbeds());
        SafeTensors.write(output, tensors, Map.of("model", model.name(), "format", "pt"));
        return 0;
    }

    /** The weights (--weights, or the name's own) and class count; an architecture alone would run random weights. */
    private CreateOptions withWeights(CreateOptions o) {
        if (weights != null) {
            o = o.withSource("file:" + weights.toAbsolutePath());
        } else if (!name.contains(".") && !WeightsSources.hasPrefix(name)) {
            throw new GraftException(name + " is an architecture without weights, so its outputs would be random",
                    "pass --weights W.safetensors, a pretrained name (graft models list --pretrained) or a source (local-dir:DIR, hf-hub:org/name)");
        }
        return numClasses == null ? o : o.withNumClasses(numClasses);
    }

    /** An int64 companion of the ids (mask or token types) of the same shape, or {@code absent}. */
    private NDArray optional(SafeTensors in, NDManager nd, String tensor, long[] idsShape, NDArray absent) {
        if (!in.contains(tensor)) {
            return absent;
        }
        if (!Arrays.equals(in.info(tensor).shape(), idsShape)) {
            throw new GraftException("tensor '" + tensor + "' of " + input + " is " + Arrays.toString(in.info(tensor).shape())
                    + ", '" + INPUT_IDS + "' is " + Arrays.toString(idsShape), "save '" + tensor + "' with the shape of '" + INPUT_IDS + "'");
        }
        return in.toNDArray(nd, tensor).toType(DataType.INT64, false);
    }
}
