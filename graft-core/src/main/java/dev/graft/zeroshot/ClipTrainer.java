package dev.graft.zeroshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.data.Batch;
import dev.graft.data.DataLoader;
import dev.graft.data.ImageData;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.engine.Scalars;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextTokenizer;
import dev.graft.train.Charts;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.LrSchedule;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainableParam;
import dev.graft.train.loop.Loop;
import dev.graft.util.Permutations;
import dev.graft.weights.DType;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.MiniLm;
import dev.graft.zoo.clip.ClipModels;
import dev.graft.zoo.clip.DualEncoderConfig;
import dev.graft.zoo.clip.VisionTextDualEncoder;
import dev.graft.zoo.vit.ViTConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * CLIP-style contrastive training of an image tower against a text tower, exported in transformers'
 * {@code VisionTextDualEncoderModel} layout ({@link VisionTextDualEncoder}).
 *
 * <ul>
 *   <li><b>LiT</b> ({@link Mode#LIT}, "locked-image tuning" with the roles as here: the text tower is
 *       the locked, pretrained one): the text encoder (all-MiniLM-L6-v2 by default) is frozen, so each
 *       caption's [CLS] state is computed once; the image tower (a ViT from random weights), the text
 *       pooler (which sentence encoders such as MiniLM do not ship), both projections and the
 *       temperature are trained. The export references the text encoder by name
 *       ({@code locked_text_model}) and stores only the pooler.
 *   <li><b>Full</b> ({@link Mode#FULL}): both towers are trained (the text tower from its pretrained
 *       weights, at a tenth of the learning rate) and both are stored.
 * </ul>
 *
 * <p>The loss is CLIP's symmetric InfoNCE over a batch, images against captions and captions against
 * images, with a learnable temperature: {@code logit_scale} starts at log(1/0.07) and the scale used is
 * {@code exp(logit_scale)} clamped at 100, as CLIP. Samples of the same class in one batch (the same
 * emoji in two styles) are not negatives of each other: the targets spread over them. Each image gets
 * a caption drawn from its class's captions every step; images are augmented by random square crops
 * (no flips: an emoji's direction can be its meaning, e.g. arrows). Training runs on the one
 * {@link Loop} with AdamW, warm-up then cosine. The folder holds the model (config.json,
 * model.safetensors, preprocessor_config.json, tokenizer.json), a card README.md, metrics.jsonl and curves.png.
 *
 * <pre>{@code
 * ClipTrainer.Result r = ClipTrainer.train(List.of(seenImages), captionsByClass, ClipTrainer.Options.defaults(), Path.of("runs/clip"));
 * try (ImageZeroShot zs = ImageZeroShot.open("local-dir:runs/clip")) { ... }
 * }</pre>
 */
public final class ClipTrainer {
    /** Caption templates for training and for the evaluation's zero-shot classifiers; {@code {}} is a name or keyword. */
    public static final List<String> TEMPLATES = List.of("{}", "an emoji of {}.", "a {} emoji.", "an icon of {}.", "a drawing of {}.");
    /** CLIP's bound on the logit scale {@code exp(logit_scale)}. */
    public static final double MAX_LOGIT_SCALE = 100;
    /** Keywords per class that become captions besides the name. */
    static final int KEYWORDS = 1;
    /** Templates the name is put in for training captions. */
    static final int NAME_TEMPLATES = 2;

    private ClipTrainer() {}

    /** What is trained. */
    public enum Mode {
        /** The text tower locked, the image tower and the projections trained. */
        LIT,
        /** Both towers trained. */
        FULL;

        /** Parses {@code lit} or {@code full}. */
        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new GraftException("unknown CLIP training mode '" + s + "'", "use --mode lit (text tower locked) or --mode full (both towers trained)");
        }
    }

    /**
     * How to train. Immutable: each {@code withX} returns a copy.
     *
     * @param mode LiT or full
     * @param epochs passes over the training images
     * @param batchSize images (and captions) a step: the negatives of each contrastive pair
     * @param learningRate AdamW's peak rate (the text tower, when trained, gets a tenth)
     * @param weightDecay AdamW's decoupled decay on weight matrices (not biases, norms, embeddings or logit_scale)
     * @param projectionDim width of the shared embedding space
     * @param vision the image tower's ViT shape (its image_size is the input size)
     * @param textModel the text tower, by name (all-MiniLM-L6-v2) or folder
     * @param cropFraction random square crops keep at least this fraction of the side
     * @param fp16 store the weights as float16
     * @param seed initial weights, batch order, captions, crops
     */
    public record Options(Mode mode, int epochs, int batchSize, double learningRate, double weightDecay, int projectionDim, ViTConfig vision,
            String textModel, double cropFraction, boolean fp16, long seed) {
        /** LiT with all-MiniLM-L6-v2 and {@link ClipModels#VIT_64} ({@link ClipModels#LIT_VIT64_MINILM}'s shape): 30 epochs, batch 128, AdamW at 1e-3, decay 0.05, 256 dimensions, crops of 70%+, float32, seed 42. */
        public static Options defaults() {
            return new Options(Mode.LIT, 30, 128, 1e-3, 0.05, ClipModels.LIT_PROJECTION_DIM, ClipModels.VIT_64, MiniLm.ID, 0.7, false, 42);
        }

        public Options withMode(Mode m) {
            return new Options(m, epochs, batchSize, learningRate, weightDecay, projectionDim, vision, textModel, cropFraction, fp16, seed);
        }

        public Options withEpochs(int n) {
            return new Options(mode, n, batchSize, learningRate, weightDecay, projectionDim, vision, textModel, cropFraction, fp16, seed);
        }

        public Options withBatchSize(int n) {
            return new Options(mode, epochs, n, learningRate, weightDecay, projectionDim, vision, textModel, cropFraction, fp16, seed);
        }

        public Options withLearningRate(double lr) {
            return new Options(mode, epochs, batchSize, lr, weightDecay, projectionDim, vision, textModel, cropFraction, fp16, seed);
        }

        public Options withProjectionDim(int d) {
            return new Options(mode, epochs, batchSize, learningRate, weightDecay, d, vision, textModel, cropFraction, fp16, seed);
        }

        public Options withVision(ViTConfig v) {
            return new Options(mode, epochs, batchSize, learningRate, weightDecay, projectionDim, v, textModel, cropFraction, fp16, seed);
        }

        public Options withTextModel(String t) {
            return new Options(mode, epochs, batchSize, learningRate, weightDecay, projectionDim, vision, t, cropFraction, fp16, seed);
        }

        public Options withFp16(boolean f) {
            return new Options(mode, epochs, batchSize, learningRate, weightDecay, projectionDim, vision, textModel, cropFraction, f, seed);
        }

        public Options withSeed(long s) {
            return new Options(mode, epochs, batchSize, learningRate, weightDecay, projectionDim, vision, textModel, cropFraction, fp16, s);
        }
    }

    /**
     * What a training did.
     *
     * @param model the trained model (in memory, the exported folder's weights before any float16 rounding)
     * @param tokenizer the text tower's tokenizer
     * @param dir the folder written
     * @param epochLosses mean training loss of each epoch
     * @param steps optimizer updates
     * @param seconds training time
     * @param images training images
     * @param classes training classes
     * @param captions distinct captions
     */
    public record Result(VisionTextDualEncoder model, TextTokenizer tokenizer, Path dir, double[] epochLosses, long steps, double seconds,
            int images, int classes, int captions) {}

    /**
     * Captions of a class from its name and keywords: the name in the first {@link #NAME_TEMPLATES}
     * templates, the first {@link #KEYWORDS} keywords (other than the name) each in the next template,
     * and "name, keyword, keyword". Few on purpose: a locked tower's captions are all encoded before training.
     */
    public static List<String> captions(String name, List<String> keywords) {
        List<String> out = new ArrayList<>();
        for (String t : TEMPLATES.subList(0, NAME_TEMPLATES)) {
            out.add(t.replace("{}", name));
        }
        List<String> kept = keywords.stream().filter(k -> !k.isBlank() && !k.equalsIgnoreCase(name)).limit(KEYWORDS).toList();
        for (int i = 0; i < kept.size(); i++) {
            out.add(TEMPLATES.get((NAME_TEMPLATES + i) % TEMPLATES.size()).replace("{}", kept.get(i)));
        }
        if (!kept.isEmpty()) {
            out.add(name + ", " + String.join(", ", kept));
        }
        return out;
    }

    /**
     * Trains a dual encoder on {@code train} (one or more image sets; classes matched by name) with the
     * captions of each class name, and writes the folder {@code dir} (see the class comment).
     *
     * @param recipe the command that remade this, for the card (null: none)
     */
    public static Result train(List<ImageData> train, Map<String, List<String>> captionsByClass, Options o, Path dir, String recipe) {
        if (o.epochs() < 1 || o.batchSize() < 2 || !(o.learningRate() > 0) || o.projectionDim() < 1
                || !(o.cropFraction() > 0 && o.cropFraction() <= 1)) {
            throw new GraftException("invalid CLIP training options " + o,
                    "use 1+ epochs, a batch of 2+ (the other pairs are the negatives), a positive learning rate, a crop fraction in (0, 1]");
        }
        ImageData all = concat(train);
        if (all.size() < 2) {
            throw new GraftException("no seen classes to train on: " + (train.isEmpty() ? "no data" : all.name()) + " has " + all.size() + " images",
                    "give data with training (seen) classes, e.g. --data emoji-google");
        }
        int size = o.vision().imageSize();
        List<String> classNames = all.classNames();
        // Captions of the classes present, one flat list.
        int[] counts = all.countsPerClass();
        List<String> captionTexts = new ArrayList<>();
        int[][] captionsOf = new int[classNames.size()][];
        for (int c = 0; c < classNames.size(); c++) {
            if (counts[c] == 0) {
                continue;
            }
            List<String> caps = captionsByClass.get(classNames.get(c));
            if (caps == null || caps.isEmpty()) {
                throw new GraftException("class '" + classNames.get(c) + "' has no caption", "give every training class a name or keywords");
            }
            captionsOf[c] = new int[caps.size()];
            for (int k = 0; k < caps.size(); k++) {
                captionsOf[c][k] = captionTexts.size();
                captionTexts.add(caps.get(k));
            }
        }
        Path textDir = TextEncoder.resolve(o.textModel());
        BertConfig text = BertConfig.read(textDir.resolve("config.json"));
        String reference = o.mode() == Mode.LIT ? referenceName(o.textModel(), textDir) : null;
        DualEncoderConfig config = ClipModels.dualEncoder(o.vision(), text.withArchitecture("BertModel", true).withLabels(null), o.projectionDim(),
                reference);
        String arch = ClipModels.architectureFor(config);
        VisionTextDualEncoder model = (VisionTextDualEncoder) Zoo.create(arch, CreateOptions.defaults().withSeed(o.seed()));
        if (o.mode() == Mode.FULL) {
            model.loadTextTower(textDir);
        }
        TextTokenizer tokenizer = model.tokenizer(textDir.resolve("tokenizer.json"));
        float[][] pooled = o.mode() == Mode.LIT ? lockedCaptionStates(model, tokenizer, captionTexts) : null;
        int textWidth = text.hiddenSize();

        List<TrainableParam> params = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            String k = e.getKey();
            boolean textTower = k.startsWith("text_model.");
            if (o.mode() == Mode.LIT && textTower && !k.startsWith("text_model.pooler.")) {
                continue;   // the locked encoder; its pooler is trained (sentence encoders such as MiniLM ship none)
            }
            boolean decay = k.endsWith(".weight") && !k.contains("layernorm") && !k.contains("LayerNorm") && !k.contains("embeddings");
            params.add(new TrainableParam(k, e.getValue(), textTower ? 0.1 : 1.0, decay ? o.weightDecay() : 0, textTower ? "text" : "image"));
        }
        GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, params);
        Transform augment = Transforms.compose(size == all.height() && size == all.width() ? Transforms.identity() : Transforms.resize(size, size),
                Transforms.randomSquareCrop(size, size, o.cropFraction()), Transforms.normalize(model.cfg()));
        DataLoader loader = DataLoader.of(all).withBatchSize(Math.min(o.batchSize(), all.size())).withShuffle(o.seed()).withSeed(o.seed())
                .withTransform(augment).withDropLast(true);
        long total = (long) o.epochs() * loader.perEpoch();
        LrSchedule schedule = new LrSchedule(o.learningRate(), Math.max(1, total / 20), total, 0.0);
        List<Double> losses = new ArrayList<>();
        List<Map<String, Object>> history = new ArrayList<>();
        Loop.Result r = new Loop(opt, loader, c -> {
            Batch b = loader.batch(c.manager(), c.epoch(), c.batch());
            int[] labels = b.y().toIntArray();
            Random rnd = new Random(Permutations.mix(o.seed(), c.step()));
            int[] chosen = new int[labels.length];
            for (int i = 0; i < labels.length; i++) {
                int[] caps = captionsOf[labels[i]];
                chosen[i] = caps[rnd.nextInt(caps.length)];
            }
            NDArray image = BertModel.normalize(model.imageFeatures(c.parameters(), b.x(), true));
            NDArray txt;
            if (pooled != null) {
                float[] flat = new float[chosen.length * textWidth];
                for (int i = 0; i < chosen.length; i++) {
                    System.arraycopy(pooled[chosen[i]], 0, flat, i * textWidth, textWidth);
                }
                NDArray cls = c.manager().create(flat, new Shape(chosen.length, 1, textWidth));
                txt = model.projectText(c.parameters(), model.textModel().pool(c.parameters(), cls, true), true);
            } else {
                List<String> texts = new ArrayList<>();
                for (int i : chosen) {
                    texts.add(captionTexts.get(i));
                }
                TextTokenizer.Batch tb = tokenizer.encodeQuietly(texts);
                txt = model.textFeatures(c.parameters(), c.manager().create(tb.ids(), new Shape(tb.size(), tb.length())),
                        c.manager().create(tb.mask(), new Shape(tb.size(), tb.length())), true);
            }
            return contrastiveLoss(image, BertModel.normalize(txt), model.logitScale(), labels);
        }).withEpochs(o.epochs()).withSchedule(schedule::lr).withClipNorm(1.0).withSeed(o.seed()).withLabel("clip-train")
                .withListener(new Loop.Listener() {
                    @Override
                    public boolean onEpoch(Loop.EpochEnd e) {
                        losses.add(e.meanLoss());
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("epoch", e.epoch() + 1);
                        row.put("train_loss", e.meanLoss());
                        row.put("lr", e.lr());
                        row.put("logit_scale", Math.exp(model.logitScale().getFloat()));
                        row.put("seconds", e.seconds());
                        history.add(row);
                        return false;
                    }
                }).run(Loop.Position.START);
        Weights.save(model, dir, model.cfg(), o.fp16() ? DType.F16 : DType.F32);
        try {
            Files.copy(textDir.resolve("tokenizer.json"), dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            Charts.learningCurves(history, dir.resolve(dev.graft.train.RunDirectory.CURVES));
            StringBuilder jsonl = new StringBuilder();
            for (Map<String, Object> row : history) {
                jsonl.append(dev.graft.util.Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(row)).append('\n');
            }
            Files.writeString(dir.resolve(dev.graft.train.RunDirectory.METRICS), jsonl.toString());
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir + ": " + e.getMessage(), "check the folder is writable", e);
        }
        double[] epochLosses = losses.stream().mapToDouble(Double::doubleValue).toArray();
        Result result = new Result(model, tokenizer, dir, epochLosses, r.steps(), r.trainSeconds(), all.size(),
                (int) java.util.Arrays.stream(counts).filter(n -> n > 0).count(), captionTexts.size());
        writeCard(result, o, train.stream().map(ImageData::name).toList(), "other", "", List.of(), recipe);
        return result;
    }

    /**
     * Writes the model card {@code README.md} into the result's folder: the layout, the training, and
     * the zero-shot table of {@code results} (none: no table).
     *
     * @param license the card's licence id (the training images')
     * @param dataWhat what of the data was trained on, before the data names (e.g. "the seen emoji of ")
     */
    public static void writeCard(Result t, Options o, List<String> trainNames, String license, String dataWhat,
            List<ClipEvaluation.Result> results, String recipe) {
        Map<String, Object> front = new LinkedHashMap<>();
        front.put("license", license);
        front.put("library_name", "graft");
        front.put("pipeline_tag", "zero-shot-image-classification");
        front.put("tags", List.of("clip", "vision-text-dual-encoder", o.mode() == Mode.LIT ? "lit" : "contrastive", "emoji"));
        front.put("datasets", trainNames);
        StringBuilder b = new StringBuilder();
        b.append("# CLIP-style dual encoder trained by Graft on ").append(String.join(", ", trainNames)).append("\n\n");
        b.append(String.format(Locale.ROOT, "transformers' `VisionTextDualEncoderModel` layout: a ViT image tower (%d layers, %d wide, patches of %d at %d x %d, "
                + "random initial weights) and %s as the text tower, projected to %d dimensions, with a learned temperature (logit scale %.1f).%n%n",
                o.vision().numHiddenLayers(), o.vision().hiddenSize(), o.vision().patchSize(), o.vision().imageSize(), o.vision().imageSize(),
                o.textModel(), o.projectionDim(), Math.exp(t.model().logitScale().getFloat())));
        b.append(o.mode() == Mode.LIT
                ? "**LiT**: the text tower is locked (its encoder is referenced by name in config.json, `locked_text_model`, not copied; its pooler "
                        + "is trained and stored, as MiniLM ships none); the image tower, both projections and the temperature were trained.\n\n"
                : "**Full contrastive training**: both towers were trained (the text tower from its pretrained weights at a tenth of the rate).\n\n");
        b.append("## Training\n\n");
        b.append(String.format(Locale.ROOT, "- Data: %s%s: %d images of %d classes, %d captions from the "
                + "class names and keywords (the name in %d templates, the first %d keywords in the next, and \"name, keywords\"; templates: %s).%n",
                dataWhat, String.join(", ", trainNames), t.images(), t.classes(), t.captions(), NAME_TEMPLATES, KEYWORDS, String.join(" | ", TEMPLATES)));
        b.append(String.format(Locale.ROOT, "- Symmetric InfoNCE, %d epochs, batch %d, %d AdamW steps at peak rate %s (warm-up, cosine), weight decay %s, "
                + "random square crops of at least %.0f%% of the side, no flips, seed %d, %.0f s; loss %.3f -> %.3f.%n", o.epochs(), o.batchSize(),
                t.steps(), o.learningRate(), o.weightDecay(), 100 * o.cropFraction(), o.seed(), t.seconds(), t.epochLosses()[0],
                t.epochLosses()[t.epochLosses().length - 1]));
        if (recipe != null) {
            b.append("- Remade by `").append(recipe).append("`.\n");
        }
        if (results.isEmpty()) {
            writeCardFile(t.dir(), front, b.toString());
            return;
        }
        int ways = results.get(0).ways();
        b.append("\n## Zero-shot on unseen classes\n\n");
        b.append("Classes never trained on, ranked by their names through the templates above. ");
        b.append(ways).append("-way: mean of ").append(results.isEmpty() ? 0 : results.get(0).episodes())
                .append(" episodes (95% interval); 1-shot: prototypes of the same image features, one support image per class.\n\n");
        b.append(EmojiClip.table(results));
        b.append("\nUse: `graft zeroshot --model local-dir:THIS_FOLDER --images IMG.png --labels \"grinning face,red apple\" --template \"an emoji of {}.\"`\n");
        writeCardFile(t.dir(), front, b.toString());
    }

    private static void writeCardFile(Path dir, Map<String, Object> front, String body) {
        try {
            dev.graft.train.RunDirectory.writeCard(dir.resolve("README.md"), front, body);
        } catch (IOException e) {
            throw new GraftException("cannot write the card into " + dir + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }


    /**
     * CLIP's symmetric InfoNCE: cross-entropy of {@code scale * image @ text^T} over texts and over
     * images, averaged; {@code scale = exp(logitScale)} clamped at {@link #MAX_LOGIT_SCALE}. Pairs whose
     * {@code labels} are equal share the target mass (they are not negatives).
     *
     * @param image normalised image embeddings (B, D)
     * @param text normalised text embeddings (B, D), row i the caption of image i
     */
    public static NDArray contrastiveLoss(NDArray image, NDArray text, NDArray logitScale, int[] labels) {
        int n = labels.length;
        float[] target = new float[n * n];
        for (int i = 0; i < n; i++) {
            int same = 0;
            for (int j = 0; j < n; j++) {
                same += labels[i] == labels[j] ? 1 : 0;
            }
            for (int j = 0; j < n; j++) {
                target[i * n + j] = labels[i] == labels[j] ? 1f / same : 0f;
            }
        }
        NDArray t = image.getManager().create(target, new Shape(n, n));
        NDArray scale = logitScale.clip(Double.NEGATIVE_INFINITY, Math.log(MAX_LOGIT_SCALE)).exp();
        NDArray logits = image.matMul(text.transpose()).mul(scale);
        NDArray perImage = logits.logSoftmax(1).mul(t).sum(new int[] {1}).neg().mean();
        NDArray perText = logits.transpose().logSoftmax(1).mul(t).sum(new int[] {1}).neg().mean();
        return Scalars.mul(perImage.add(perText), 0.5);
    }

    /** The locked text encoder's last hidden state at the first token ([CLS]) of every caption: computed once, the encoder does not change. */
    static float[][] lockedCaptionStates(VisionTextDualEncoder model, TextTokenizer tokenizer, List<String> captions) {
        float[][] out = new float[captions.size()][];
        int batch = 64;
        try (dev.graft.progress.Progress bar = dev.graft.progress.Progress.start("captions", captions.size(), "texts")) {
            for (int from = 0; from < captions.size(); from += batch) {
                List<String> part = captions.subList(from, Math.min(captions.size(), from + batch));
                TextTokenizer.Batch tb = tokenizer.encode(part);
                try (NDManager nd = model.manager().newSubManager(); NoGrad ignored = NoGrad.enter()) {
                    NDArray ids = nd.create(tb.ids(), new Shape(tb.size(), tb.length()));
                    BertModel text = model.textModel();
                    List<NDArray> states = text.hiddenStates(new ParameterStore(nd, false), ids,
                            nd.create(tb.mask(), new Shape(tb.size(), tb.length())), ids.zerosLike(), false, text.numLayers() - 1);
                    NDArray p = states.get(states.size() - 1).get(":, 0, :");
                    float[][] rows = dev.graft.zoo.clip.ImageTextModel.rows(p);
                    System.arraycopy(rows, 0, out, from, rows.length);
                }
                bar.step(part.size());
            }
        }
        return out;
    }

    /** The name a locked tower is referenced by: all-MiniLM-L6-v2's Hub id, else the folder's absolute path. */
    static String referenceName(String given, Path dir) {
        return TextEncoder.MINILM_NAMES.stream().anyMatch(n -> n.equalsIgnoreCase(given)) ? MiniLm.ID : dir.toAbsolutePath().toString();
    }

    /** The image sets as one, labelled by class name in the first set's class order (later sets' new classes appended). */
    static ImageData concat(List<ImageData> sets) {
        if (sets.isEmpty()) {
            return new ImageData("no data", List.of(), 3, 1, 1, new float[0], new int[0]);
        }
        ImageData first = sets.get(0);
        List<String> names = new ArrayList<>(first.classNames());
        Map<String, Integer> index = new HashMap<>();
        for (int c = 0; c < names.size(); c++) {
            index.put(names.get(c), c);
        }
        int total = 0;
        for (ImageData s : sets) {
            if (s.channels() != first.channels() || s.height() != first.height() || s.width() != first.width()) {
                throw new GraftException(s.name() + " has " + s.channels() + "x" + s.height() + "x" + s.width() + " images, " + first.name() + " "
                        + first.channels() + "x" + first.height() + "x" + first.width(), "train on image sets of one size");
            }
            total += s.size();
        }
        float[] px = new float[total * first.imageSize()];
        int[] labels = new int[total];
        int at = 0;
        for (ImageData s : sets) {
            System.arraycopy(s.pixels(), 0, px, at * first.imageSize(), s.size() * first.imageSize());
            for (int i = 0; i < s.size(); i++) {
                String name = s.classNames().get(s.label(i));
                labels[at + i] = index.computeIfAbsent(name, k -> {
                    names.add(k);
                    return names.size() - 1;
                });
            }
            at += s.size();
        }
        String name = String.join("+", sets.stream().map(ImageData::name).toList());
        return new ImageData(name, names, first.channels(), first.height(), first.width(), px, labels);
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }
}
