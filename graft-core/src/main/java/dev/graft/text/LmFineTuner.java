package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.train.GroupedOptimizer;
import dev.graft.train.Losses;
import dev.graft.train.LrSchedule;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainableParam;
import dev.graft.train.loop.Batches;
import dev.graft.train.loop.Loop;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.gpt2.Gpt2Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Causal language-model fine-tuning of GPT-2 on a plain text, on the one training {@link Loop}: the
 * text is tokenised once and cut into blocks of {@code blockSize} tokens; the last
 * {@code validationFraction} of the blocks is held out; every block is trained to predict each next
 * token (cross-entropy of the logits at position i against token i + 1, as transformers'
 * {@code GPT2LMHeadModel} with {@code labels}), with AdamW and a warm-up then cosine schedule. The
 * held-out perplexity, exp of the mean next-token loss, is measured before and after.
 *
 * <pre>{@code
 * try (TextGenerator gen = TextGenerator.load("local-dir:runs/gpt2")) {
 *     LmFineTuner.Result r = LmFineTuner.fit(gen.model(), gen.tokenizer(), text, LmFineTuner.Options.defaults().withEpochs(2));
 *     System.out.println(r.perplexityBefore() + " -> " + r.perplexityAfter());
 * }
 * }</pre>
 */
public final class LmFineTuner {
    private LmFineTuner() {}

    /**
     * How to fine-tune. Immutable: each {@code withX} returns a copy.
     *
     * @param epochs passes over the training blocks
     * @param batchSize blocks a step
     * @param blockSize tokens a block (at most the model's {@code n_positions})
     * @param learningRate AdamW's peak rate (5e-5, transformers' Trainer default)
     * @param weightDecay AdamW's decoupled decay, not on biases and LayerNorms
     * @param validationFraction share of the blocks held out for perplexity
     * @param seed order of the batches and dropout
     */
    public record Options(int epochs, int batchSize, int blockSize, double learningRate, double weightDecay, double validationFraction, long seed) {
        public static Options defaults() {
            return new Options(1, 4, 128, 5e-5, 0.0, 0.1, 42);
        }

        public Options withEpochs(int n) {
            return new Options(n, batchSize, blockSize, learningRate, weightDecay, validationFraction, seed);
        }

        public Options withBatchSize(int n) {
            return new Options(epochs, n, blockSize, learningRate, weightDecay, validationFraction, seed);
        }

        public Options withBlockSize(int n) {
            return new Options(epochs, batchSize, n, learningRate, weightDecay, validationFraction, seed);
        }

        public Options withLearningRate(double lr) {
            return new Options(epochs, batchSize, blockSize, lr, weightDecay, validationFraction, seed);
        }

        public Options withSeed(long s) {
            return new Options(epochs, batchSize, blockSize, learningRate, weightDecay, validationFraction, s);
        }
    }

    /**
     * What a fine-tuning did.
     *
     * @param trainBlocks blocks trained on
     * @param validationBlocks blocks held out
     * @param perplexityBefore held-out perplexity of the model as given
     * @param perplexityAfter held-out perplexity after training
     * @param steps optimizer updates
     * @param seconds training time
     */
    public record Result(int trainBlocks, int validationBlocks, double perplexityBefore, double perplexityAfter, long steps, double seconds) {}

    /** Fine-tunes {@code model} in place on {@code text} (see the class comment). */
    public static Result fit(Gpt2Model model, BpeTokenizer tokenizer, String text, Options o) {
        if (!model.hasLmHead()) {
            throw new GraftException(model.name() + " has no language-model head", "fine-tune a GPT2LMHeadModel");
        }
        if (tokenizer.vocabSize() != model.config().vocabSize()) {
            throw new GraftException("the tokenizer has " + tokenizer.vocabSize() + " token ids but " + model.name() + " has vocab_size "
                    + model.config().vocabSize(), "use the tokenizer the model was trained with");
        }
        int block = Math.min(o.blockSize(), model.config().nPositions());
        if (block < 2 || o.epochs() < 1 || o.batchSize() < 1 || !(o.validationFraction() > 0 && o.validationFraction() < 1)) {
            throw new GraftException("invalid options " + o, "use a block of at least 2 tokens, 1+ epochs and batch, a validation fraction in (0, 1)");
        }
        long[] ids = tokenizer.encode(text);
        int blocks = ids.length / block;
        int validation = (int) Math.ceil(blocks * o.validationFraction());
        int train = blocks - validation;
        if (train < 1 || validation < 1) {
            throw new GraftException("the text has " + ids.length + " tokens: too few for one training and one held-out block of " + block,
                    "give a longer text (at least " + 2 * block + " tokens), or a smaller block size");
        }
        List<TrainableParam> params = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.stateDict().entrySet()) {
            boolean noDecay = e.getKey().endsWith(".bias") || e.getKey().contains(".ln_");
            params.add(new TrainableParam(e.getKey(), e.getValue(), 1.0, noDecay ? 0 : o.weightDecay(), "model"));
        }
        double before = perplexity(model, ids, block, train, blocks, o.batchSize());
        GroupedOptimizer opt = new GroupedOptimizer(OptimizerKind.ADAMW, 0.9, params);
        Batches batches = Batches.shuffled(train, o.batchSize(), o.seed());
        long total = (long) o.epochs() * batches.perEpoch();
        LrSchedule schedule = new LrSchedule(o.learningRate(), Math.max(1, total / 10), total, 0.0);
        Loop.Result r = new Loop(opt, batches, c -> nextTokenLoss(model, c.parameters(), blocks(c.manager(), ids, block, c.indices(), 0), true))
                .withEpochs(o.epochs()).withSchedule(schedule::lr).withClipNorm(1.0).withSeed(o.seed()).withLabel("lm-finetune")
                .run(Loop.Position.START);
        double after = perplexity(model, ids, block, train, blocks, o.batchSize());
        return new Result(train, validation, before, after, r.steps(), r.trainSeconds());
    }

    /** Blocks {@code first + indices[i]} of {@code ids} as a B x block int64 array. */
    private static NDArray blocks(NDManager nd, long[] ids, int block, int[] indices, int first) {
        long[] out = new long[indices.length * block];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(ids, (first + indices[i]) * block, out, i * block, block);
        }
        return nd.create(out).reshape(indices.length, block);
    }

    /** Mean cross-entropy of each position's logits against the next token (the real tokens' positions of a prompt-tuned model). */
    static NDArray nextTokenLoss(Gpt2Model model, ParameterStore ps, NDArray ids, boolean training) {
        long b = ids.getShape().get(0);
        long len = ids.getShape().get(1);
        NDArray logits = model.forwardTokens(ps, ids, null, null, training).get(1);
        long vocab = logits.getShape().get(2);
        // a prompt-tuned model's virtual positions come first and predict nothing (PEFT labels them -100)
        NDArray predicted = logits.get(":, " + model.virtualTokens() + ":-1, :").reshape(b * (len - 1), vocab);
        NDArray targets = ids.get(":, 1:").reshape(b * (len - 1)).toType(DataType.INT32, false);
        return Losses.crossEntropy(predicted, targets, 0.0);
    }

    /** exp of the mean next-token loss over blocks {@code from..to-1}, in inference mode. */
    static double perplexity(Gpt2Model model, long[] ids, int block, int from, int to, int batchSize) {
        double sum = 0;
        long count = 0;
        try (NDManager nd = model.manager().newSubManager(); NoGrad ignored = NoGrad.enter()) {
            for (int start = from; start < to; start += batchSize) {
                int n = Math.min(batchSize, to - start);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = i;
                }
                try (NDManager step = nd.newSubManager()) {
                    float loss = nextTokenLoss(model, new ParameterStore(step, false), blocks(step, ids, block, idx, start), false).getFloat();
                    sum += (double) loss * n;
                    count += n;
                }
            }
        }
        return Math.exp(sum / count);
    }
}
