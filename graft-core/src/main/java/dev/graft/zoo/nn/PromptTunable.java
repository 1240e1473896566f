package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * A transformer that prompt tuning (PEFT's {@code PROMPT_TUNING}) can steer: with a prompt set, its
 * forward pass puts the prompt's rows (num_virtual_tokens x token_dim) in front of the word embeddings
 * of every sequence and extends the attention mask with ones for them, as PEFT's
 * {@code PeftModel.forward} does before it calls the model on {@code inputs_embeds}; outputs then have
 * num_virtual_tokens more positions, the virtual ones first. BERT and GPT-2 implement it; the zoo's
 * models that hold one ({@code BertSentenceModel}, {@code BertSequenceClassifier}) give it through
 * {@link Holder}. The zoo never depends on the adapter code ({@code dev.graft.peft}).
 *
 * <pre>{@code
 * PromptTunable bert = PromptTunable.of(model);    // or null for a model without one
 * bert.setPrompt(virtualTokens);                   // a Parameter of shape (20, hidden size)
 * NDArray mask = bert.extendMask(tokenMask);       // B x (20 + L): what pooling over the outputs needs
 * }</pre>
 */
public interface PromptTunable {
    /** Width of a word embedding (PEFT's {@code token_dim}). */
    long tokenDim();

    /** Transformer layers (PEFT's {@code num_layers}). */
    int numLayers();

    /** Attention heads (PEFT's {@code num_attention_heads}). */
    int numAttentionHeads();

    /** The word-embedding table (vocabulary x token_dim), from which PEFT's TEXT initialisation copies rows. */
    Parameter wordEmbeddings();

    /** Sets the virtual tokens (num_virtual_tokens x token_dim), or null for none. */
    void setPrompt(Parameter prompt);

    /** The virtual tokens in use, or null. */
    Parameter prompt();

    /** Virtual tokens in front of every sequence (0 without a prompt). */
    default int virtualTokens() {
        Parameter p = prompt();
        return p == null ? 0 : (int) p.getArray().getShape().get(0);
    }

    /** {@code mask} (B x L) with ones in front for the virtual tokens (B x (n + L)); unchanged without a prompt or for null. */
    default NDArray extendMask(NDArray mask) {
        int n = virtualTokens();
        if (n == 0 || mask == null) {
            return mask;
        }
        NDArray ones = mask.getManager().ones(new Shape(mask.getShape().get(0), n), mask.getDataType());
        return ones.concat(mask, 1);
    }

    /** {@code embeds} (B x L x H) with the prompt's rows in front of every sequence: B x (n + L) x H (gradients reach the prompt). */
    static NDArray prepend(Parameter prompt, ParameterStore ps, NDArray embeds, boolean training) {
        NDArray p = ps == null ? prompt.getArray() : ps.getValue(prompt, embeds.getDevice(), training);
        Shape s = p.getShape();
        // The view belongs to the pass (embeds' manager), not to the long-lived prompt's: else every pass
        // would leave its array, and through autograd its whole graph, in the model's manager.
        NDArray one = p.expandDims(0);
        one.attach(embeds.getManager());
        return one.broadcast(new Shape(embeds.getShape().get(0), s.get(0), s.get(1))).concat(embeds, 1);
    }

    /** A model that holds a prompt-tunable transformer (a sentence model or classifier around BERT). */
    interface Holder {
        PromptTunable promptTunable();
    }

    /** The prompt-tunable transformer of {@code model}: itself, the one it holds, or null. */
    static PromptTunable of(Object model) {
        if (model instanceof PromptTunable p) {
            return p;
        }
        return model instanceof Holder h ? h.promptTunable() : null;
    }
}
