package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import dev.graft.GraftException;
import dev.graft.SettingException;
import dev.graft.engine.Engines;
import dev.graft.peft.LoraAdapter;
import dev.graft.peft.Ia3Config;
import dev.graft.peft.LoraConfig;
import dev.graft.peft.PeftConfig;
import dev.graft.peft.PromptTuningConfig;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.Losses;
import dev.graft.train.LrSchedule;
import dev.graft.train.OptimizerKind;
import dev.graft.train.Strategy;
import dev.graft.train.TrainableParam;
import dev.graft.train.loop.Batches;
import dev.graft.train.loop.Loop;
import dev.graft.train.loop.StepContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * Fine-tunes a text encoder with a linear head for classification, by one of three strategies
 * (the founding document's three situations):
 * <ul>
 *   <li>{@code head}: the encoder is frozen; its sentence vectors are computed once and cached, and
 *       only the linear head is trained on them (a linear probe; DL4J's featurize trick);</li>
 *   <li>{@code partial}: the top {@code topLayers} transformer layers and the head are trained, the
 *       rest stays frozen (keeps the general knowledge, adapts the last layers);</li>
 *   <li>{@code full}: every parameter is trained;</li>
 *   <li>{@code lora}: the encoder is frozen and low-rank adapters on its attention projections are
 *       trained with the head ({@link LoraAdapter}, PEFT's LoRA), returned in {@link Result#adapter()};</li>
 *   <li>{@code ia3} and {@code prompt-tuning}: the same with PEFT's (IA)³ vectors or virtual tokens ({@link PromptTuningConfig}).</li>
 * </ul>
 * All use the training module's AdamW ({@link GroupedOptimizer}: no weight decay on biases and
 * LayerNorms, the head at its own learning rate) with linear warm-up and cosine decay
 * ({@link LrSchedule}) and softmax cross-entropy; {@code partial} and
 * {@code full} start from a given head (a linear probe first: the LP-FT recipe, which keeps the
 * random head from wrecking pretrained features early on).
 *
 * <pre>{@code
 * TextFineTuner.Options o = TextFineTuner.Options.defaults(Strategy.PARTIAL);
 * TextFineTuner.Result r = TextFineTuner.fit(encoder, train, validation, o, probeHead, "partial");
 * }</pre>
 */
public final class TextFineTuner {
    private TextFineTuner() {}

    /** The strategies a text encoder supports: what is trained ({@code auto} and {@code scratch} are the image verbs'). */
    public static final Set<Strategy> STRATEGIES = Collections.unmodifiableSet(EnumSet.of(Strategy.HEAD, Strategy.PARTIAL, Strategy.FULL, Strategy.LORA, Strategy.IA3,
            Strategy.PROMPT_TUNING));

    /** Parses {@code head|partial|full}, case-insensitively. */
    public static Strategy parseStrategy(String s) {
        for (Strategy v : STRATEGIES) {
            if (v.id().equalsIgnoreCase(s)) {
                return v;
            }
        }
        throw new GraftException("unknown strategy '" + s + "'", "use head, partial, full, lora, ia3 or prompt-tuning");
    }

    /**
     * @param strategy what is trained
     * @param epochs passes over the training data
     * @param learningRate AdamW learning rate (of the encoder layers; the head uses {@code headLearningRate})
     * @param headLearningRate AdamW learning rate of the head
     * @param batchSize texts (or cached vectors) per step
     * @param topLayers transformer layers trained by {@code partial}
     * @param weightDecay AdamW's decoupled weight decay
     * @param seed shuffling and dropout seed
     */
    public record Options(Strategy strategy, int epochs, float learningRate, float headLearningRate, int batchSize,
            int topLayers, float weightDecay, long seed) {
        public Options {
            if (strategy == null) {
                throw new GraftException("no fine-tuning strategy", "use head, partial, full, lora, ia3 or prompt-tuning");
            }
            if (!STRATEGIES.contains(strategy)) {
                throw new GraftException("text fine-tuning has no strategy '" + strategy.id() + "'", "use head, partial, full, lora, ia3 or prompt-tuning");
            }
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || !(headLearningRate > 0) || weightDecay < 0) {
                throw new GraftException("invalid fine-tuning options: epochs " + epochs + ", batch " + batchSize + ", lr "
                        + learningRate + ", head lr " + headLearningRate + ", weight decay " + weightDecay,
                        "use epochs >= 1, batch >= 1, learning rates > 0, weight decay >= 0");
            }
            if (strategy == Strategy.PARTIAL && topLayers < 1) {
                throw new SettingException(SettingException.Reason.TOP_LAYERS_BELOW_ONE, null, "partial fine-tuning of " + topLayers + " layers",
                        "train at least the top layer (Options.topLayers 1)");
            }
        }

        /** Defaults that suit MiniLM on a few hundred to a few thousand texts. */
        public static Options defaults(Strategy s) {
            return switch (s) {
                case HEAD -> new Options(s, 60, 1e-2f, 1e-2f, 64, 0, 1e-4f, 42);
                case PARTIAL -> new Options(s, 3, 1e-4f, 1e-3f, 16, 2, 1e-2f, 42);
                case FULL -> new Options(s, 3, 5e-5f, 1e-3f, 16, 0, 1e-2f, 42);
                case LORA -> new Options(s, 3, 1e-3f, 1e-3f, 16, 0, 1e-2f, 42);
                case IA3 -> new Options(s, 3, 3e-3f, 1e-3f, 16, 0, 0f, 42);   // T-Few's rate; the vectors start at one, so no decay
                case PROMPT_TUNING -> new Options(s, 3, 3e-2f, 1e-3f, 16, 0, 0f, 42);   // PEFT's prompt-tuning examples' rate; no decay on the tokens
                default -> throw new GraftException("text fine-tuning has no strategy '" + s.id() + "'", "use head, partial, full, lora, ia3 or prompt-tuning");
            };
        }

        public Options withEpochs(int e) {
            return new Options(strategy, e, learningRate, headLearningRate, batchSize, topLayers, weightDecay, seed);
        }

        public Options withSeed(long s) {
            return new Options(strategy, epochs, learningRate, headLearningRate, batchSize, topLayers, weightDecay, s);
        }

        public Options withTopLayers(int k) {
            return new Options(strategy, epochs, learningRate, headLearningRate, batchSize, k, weightDecay, seed);
        }

        public Options withLearningRate(float lr) {
            return new Options(strategy, epochs, lr, headLearningRate, batchSize, topLayers, weightDecay, seed);
        }
    }

    /** One epoch's numbers (validation accuracy is NaN without validation data). */
    public record Epoch(int epoch, double trainLoss, double trainAccuracy, double validationAccuracy, double seconds) {}

    /**
     * @param head the trained head
     * @param history one entry per epoch
     * @param trainedParameters number of parameter elements that were trained
     * @param seconds wall time of training (excluding any embedding cache built before)
     * @param adapter for {@code lora} and {@code ia3}: the trained adapter, still on the encoder and unmerged; else null
     */
    public record Result(TextHead head, List<Epoch> history, long trainedParameters, double seconds, LoraAdapter adapter) {}

    /**
     * The LoRA settings {@code lora} uses unless told otherwise: {@link LoraConfig#defaults} (the
     * family's attention projections), the head saved whole as {@code classifier} ({@code score} for
     * GPT-2: {@link TextEncoder#headName}), task type {@code SEQ_CLS}.
     */
    public static LoraConfig defaultLora(TextEncoder encoder) {
        return LoraConfig.defaults().withTargetsFor(encoder.linearLayers().keySet()).withModulesToSave(List.of(encoder.headName())).withTaskType("SEQ_CLS")
                .withBaseModel(TextEncoder.MINILM_NAMES.contains(encoder.name()) ? dev.graft.zoo.bert.MiniLm.ID : encoder.name());
    }

    /**
     * The IA3 settings {@code ia3} uses unless told otherwise: PEFT's targets for the family
     * ({@link Ia3Config#withTargetsFor}), the head saved whole as {@code classifier}, task type {@code SEQ_CLS}.
     */
    public static Ia3Config defaultIa3(TextEncoder encoder) {
        return Ia3Config.defaults().withTargetsFor(encoder.linearLayers().keySet()).withModulesToSave(List.of(encoder.headName()))
                .withTaskType("SEQ_CLS").withBaseModel(defaultLora(encoder).baseModel());
    }

    /**
     * The prompt-tuning settings {@code prompt-tuning} uses unless told otherwise: {@link PromptTuningConfig#defaults}
     * on the encoder's sizes, the head saved whole as {@code classifier}, task type {@code SEQ_CLS}.
     */
    public static PromptTuningConfig defaultPromptTuning(TextEncoder encoder) {
        return PromptTuningConfig.defaults().forModel(encoder.model()).withModulesToSave(List.of("classifier")).withTaskType("SEQ_CLS")
                .withBaseModel(defaultLora(encoder).baseModel());
    }

    /** The adapter settings a strategy uses by default: {@link #defaultLora}, {@link #defaultIa3} or {@link #defaultPromptTuning}; null for the others. */
    public static PeftConfig defaultAdapter(TextEncoder encoder, Strategy s) {
        return switch (s) {
            case LORA -> defaultLora(encoder);
            case IA3 -> defaultIa3(encoder);
            case PROMPT_TUNING -> defaultPromptTuning(encoder);
            default -> null;
        };
    }

    /**
     * Trains only a linear head on cached sentence vectors ({@code head}).
     *
     * @param init starting head, or null for zeros
     * @param valX validation vectors, or null
     */
    public static Result fitHead(float[][] trainX, int[] trainY, List<String> classNames, float[][] valX, int[] valY,
            Options o, TextHead init, String progressLabel) {
        return fitHead(trainX, trainY, classNames, valX, valY, o, init, progressLabel, true);
    }

    /** As {@link #fitHead(float[][], int[], List, float[][], int[], Options, TextHead, String)}; without {@code bias} the bias stays zero (GPT-2's {@code score}). */
    public static Result fitHead(float[][] trainX, int[] trainY, List<String> classNames, float[][] valX, int[] valY,
            Options o, TextHead init, String progressLabel, boolean bias) {
        Engines.pytorch();
        if (trainX.length == 0) {
            throw new GraftException("no training texts", "give at least one labelled text per class");
        }
        int dim = trainX[0].length;
        TextHead start = init != null ? init : TextHead.zeros(classNames, dim);
        long t0 = System.nanoTime();
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray x = nd.create(flatten(trainX), new Shape(trainX.length, dim));
            NDArray y = nd.create(trainY);
            NDArray w = start.weightArray(nd);
            NDArray b = bias ? start.biasArray(nd) : nd.zeros(new Shape(classNames.size()));
            GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, headParams("classifier", w, bias ? b : null, 1.0, o.weightDecay()));
            int steps = Batches.shuffled(trainX.length, o.batchSize(), o.seed()).perEpoch();
            LrSchedule schedule = new LrSchedule(o.headLearningRate(), steps, (long) o.epochs() * steps, 0.01);
            List<Epoch> history = train(opt, trainX.length, o, schedule, progressLabel, c -> {
                NDArray idx = c.manager().create(c.indices());
                NDArray by = y.get(idx);
                return new NDArray[] {Linear.linear(x.get(idx), w, b).singletonOrThrow(), by};
            }, () -> valX == null || valX.length == 0 ? Double.NaN : TextHead.of(classNames, w, b).accuracy(valX, valY));
            return new Result(TextHead.of(classNames, w, b), history, w.size() + (bias ? b.size() : 0), (System.nanoTime() - t0) / 1e9, null);
        }
    }

    /**
     * Trains the encoder's top layers ({@code partial}) or all of it ({@code full}) with a head,
     * end to end on the texts. The encoder's parameters are changed in place.
     *
     * @param init starting head (e.g. from {@link #fitHead}), or null for zeros
     * @param validation validation texts, or null
     */
    public static Result fit(TextEncoder encoder, TextData train, TextData validation, Options o, TextHead init,
            String progressLabel) {
        return fit(encoder, train, validation, o, init, progressLabel, defaultAdapter(encoder, o.strategy()));
    }

    /**
     * As {@link #fit(TextEncoder, TextData, TextData, Options, TextHead, String)}, with the adapter settings
     * for {@code lora} (a {@link LoraConfig}) or {@code ia3} (an {@link Ia3Config}); ignored by the other
     * strategies; null = {@link #defaultAdapter}. Targets that match no layer fail here, before training.
     */
    public static Result fit(TextEncoder encoder, TextData train, TextData validation, Options o, TextHead init,
            String progressLabel, PeftConfig lora) {
        if (o.strategy() == Strategy.HEAD) {
            float[][] tx = encoder.embed(train.texts());
            float[][] vx = validation == null || validation.size() == 0 ? null : encoder.embed(validation.texts());
            return fitHead(tx, train.labels(), train.classNames(), vx, validation == null ? null : validation.labels(), o, init,
                    progressLabel, encoder.headHasBias());
        }
        Engines.pytorch();
        int layers = encoder.numLayers();
        if (o.strategy() == Strategy.PARTIAL && o.topLayers() > layers) {
            throw new SettingException(SettingException.Reason.TOP_LAYERS_ABOVE_LAYERS, String.valueOf(layers),
                    "partial fine-tuning of " + o.topLayers() + " layers, but the model has " + layers,
                    "set Options.topLayers between 1 and " + layers + " (or use strategy full)");
        }
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        boolean isLora = o.strategy().isAdapter();
        if (isLora && lora != null && !lora.peftType().equals(o.strategy().name())) {
            throw new GraftException("strategy " + o.strategy().id() + " was given a " + lora.peftType() + " config", "give the config of the strategy's adapter");
        }
        for (Map.Entry<String, Parameter> e : encoder.parameters().entrySet()) {
            boolean learn = !isLora && (o.strategy() == Strategy.FULL || layerIndex(e.getKey()) >= layers - o.topLayers());
            e.getValue().freeze(!learn);
            if (learn) {
                trainable.put(e.getKey(), e.getValue());
            }
        }
        List<String> classNames = train.classNames();
        TextHead start = init != null ? init : TextHead.zeros(classNames, encoder.dimension());
        NDManager nd = encoder.manager();
        long t0 = System.nanoTime();
        try (NDManager headManager = nd.newSubManager()) {
            // a LoRA adapter keeps the head as its saved classifier, so the head lives as long as the encoder
            NDArray w = start.weightArray(isLora ? nd : headManager);
            boolean bias = encoder.headHasBias();
            NDArray b = bias ? start.biasArray(isLora ? nd : headManager) : (isLora ? nd : headManager).zeros(new Shape(classNames.size()));
            List<TrainableParam> params = new ArrayList<>();
            long count = w.size() + (bias ? b.size() : 0);
            params.addAll(encoderParams(trainable, o.weightDecay()));
            for (Parameter p : trainable.values()) {
                count += p.getArray().size();
            }
            List<TrainableParam> head = headParams(encoder.headName(), w, bias ? b : null, o.headLearningRate() / o.learningRate(), o.weightDecay());
            LoraAdapter adapter = null;
            if (isLora) {
                // the head is the adapter's module to save, "classifier", beside the encoder's own keys
                Map<String, Parameter> withHead = new LinkedHashMap<>(encoder.parameters());
                head.forEach(p -> withHead.put(p.key(), p.parameter()));
                PeftConfig given = lora == null ? defaultAdapter(encoder, o.strategy()) : lora;
                adapter = given instanceof PromptTuningConfig pt
                        ? LoraAdapter.createPrompt("default", encoder.promptTunable(), withHead, pt,
                                pt.initText() == null ? null : encoder.tokenizer().encodeQuietly(List.of(pt.initText())).ids())
                        : LoraAdapter.create("default", encoder.linearLayers(), withHead, given);
                for (TrainableParam p : adapter.trainable(o.weightDecay())) {
                    boolean isHead = p.group().equals("head");
                    params.add(isHead ? head.get(p.key().endsWith("bias") ? 1 : 0) : p);
                    count += isHead ? 0 : p.parameter().getArray().size();
                }
            } else {
                params.addAll(head);
            }
            GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, params);
            long total = (long) o.epochs() * Batches.shuffled(train.size(), o.batchSize(), o.seed()).perEpoch();
            LrSchedule schedule = new LrSchedule(o.learningRate(), Math.max(1, total / 10), total, 0.01);
            List<Epoch> history = train(opt, train.size(), o, schedule, progressLabel, c -> {
                List<String> texts = new ArrayList<>();
                int[] labels = new int[c.indices().length];
                for (int i = 0; i < labels.length; i++) {
                    texts.add(train.text(c.indices()[i]));
                    labels[i] = train.label(c.indices()[i]);
                }
                TextTokenizer.Batch batch = encoder.tokenizer().encodeQuietly(texts);
                NDArray v = encoder.encode(c.manager(), c.parameters(), batch, true);
                return new NDArray[] {Linear.linear(v, w, b).singletonOrThrow(), c.manager().create(labels)};
            }, () -> validation == null || validation.size() == 0 ? Double.NaN
                    : TextHead.of(classNames, w, b).accuracy(encoder.embed(validation.texts()), validation.labels()));
            return new Result(TextHead.of(classNames, w, b), history, count, (System.nanoTime() - t0) / 1e9, adapter);
        } finally {
            for (Parameter p : encoder.parameters().values()) {
                p.freeze(false);
            }
        }
    }

    /**
     * Encoder parameters as the optimizer trains them: group {@code encoder}, the full learning rate,
     * {@code weightDecay} except on biases and LayerNorms (which get none).
     */
    public static List<TrainableParam> encoderParams(Map<String, Parameter> params, double weightDecay) {
        List<TrainableParam> out = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            boolean noDecay = e.getKey().endsWith(".bias") || e.getKey().contains("LayerNorm") || e.getKey().contains("ln_");  // GPT-2's ln_1, ln_2, ln_f
            out.add(new TrainableParam(e.getKey(), e.getValue(), 1.0, noDecay ? 0 : weightDecay, "encoder"));
        }
        return out;
    }

    /** A batch's logits and int labels. */
    private interface Forward {
        NDArray[] logitsAndLabels(StepContext c);
    }

    /** Softmax cross-entropy on the one training {@link Loop}, with training accuracy and a validation score per epoch. */
    private static List<Epoch> train(GroupedOptimizer opt, int n, Options o, LrSchedule schedule, String label,
            Forward forward, DoubleSupplier validation) {
        List<Epoch> history = new ArrayList<>();
        int[] correct = {0};
        new Loop(opt, Batches.shuffled(n, o.batchSize(), o.seed()), c -> {
            NDArray[] ly = forward.logitsAndLabels(c);
            correct[0] += countCorrect(ly[0], ly[1]);
            return Losses.crossEntropy(ly[0], ly[1], 0.0);
        })
                .withEpochs(o.epochs())
                .withSchedule(schedule::lr)
                .withSeed(o.seed())
                .withLabel(label)
                .withOneProgressBar(true)
                .withListener(new Loop.Listener() {
                    @Override
                    public boolean onEpoch(Loop.EpochEnd e) {
                        history.add(new Epoch(e.epoch() + 1, e.meanLoss(), correct[0] / (double) e.samples(), validation.getAsDouble(),
                                e.seconds()));
                        correct[0] = 0;
                        return false;
                    }
                })
                .run(Loop.Position.START);
        return history;
    }

    /** The transformer layer a key belongs to: -1 for embeddings, layers for the pooler (GPT-2: the final {@code ln_f}). */
    static int layerIndex(String key) {
        if (key.startsWith("transformer.ln_f.") || key.startsWith("ln_f.")) {
            return Integer.MAX_VALUE;
        }
        for (String prefix : List.of("encoder.layer.", "transformer.layer.", "transformer.h.", "h.")) {  // BERT/RoBERTa, DistilBERT, GPT-2
            if (key.startsWith(prefix)) {
                int dot = key.indexOf('.', prefix.length());
                return Integer.parseInt(key.substring(prefix.length(), dot));
            }
        }
        return key.startsWith("pooler.") ? Integer.MAX_VALUE : -1;
    }


    private static int countCorrect(NDArray logits, NDArray labels) {
        return (int) logits.argMax(1).toType(labels.getDataType(), false).eq(labels).sum().getLong();
    }

    /**
     * The head {@code name}'s weight (decayed) and bias (not decayed; null for a head without one) as
     * trainable parameters at {@code lrScale}.
     */
    private static List<TrainableParam> headParams(String name, NDArray w, NDArray b, double lrScale, double weightDecay) {
        w.setRequiresGradient(true);
        Parameter pw = Parameter.builder().setName(name + ".weight").setType(Parameter.Type.WEIGHT).optArray(w).build();
        List<TrainableParam> out = new ArrayList<>(List.of(new TrainableParam(name + ".weight", pw, lrScale, weightDecay, "head")));
        if (b != null) {
            b.setRequiresGradient(true);
            Parameter pb = Parameter.builder().setName(name + ".bias").setType(Parameter.Type.BIAS).optArray(b).build();
            out.add(new TrainableParam(name + ".bias", pb, lrScale, 0, "head"));
        }
        return out;
    }

    static float[] flatten(float[][] x) {
        int d = x[0].length;
        float[] out = new float[x.length * d];
        for (int i = 0; i < x.length; i++) {
            System.arraycopy(x[i], 0, out, i * d, d);
        }
        return out;
    }
}
