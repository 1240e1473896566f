package dev.graft.text;

import dev.graft.GraftException;
import java.util.List;

/**
 * How {@link TextGenerator} continues a prompt, with the names and defaults of transformers'
 * {@code GenerationConfig}: greedy by default ({@code do_sample} false); with sampling, the logits
 * are divided by {@code temperature}, cut to the {@code top_k} most likely tokens and to the smallest
 * set whose probability reaches {@code top_p}, in that order. {@code repetition_penalty} (above 1)
 * makes tokens already in the text less likely, as the CTRL paper and transformers do. Generation
 * stops after {@code max_new_tokens}, at the end-of-text token, or at the first stop string
 * (which is not included in the text). Immutable: each {@code withX} returns a copy.
 *
 * <pre>{@code
 * GenerationConfig greedy = GenerationConfig.defaults().withMaxNewTokens(30);
 * GenerationConfig sampled = greedy.withDoSample(true).withTemperature(0.8).withTopK(40).withTopP(0.95).withSeed(7L);
 * }</pre>
 *
 * @param maxNewTokens tokens to generate at most ({@code max_new_tokens}, 20 by default)
 * @param doSample sample the next token instead of taking the most likely one
 * @param temperature divides the logits before sampling (positive; 1 leaves them)
 * @param topK keep only the k most likely tokens when sampling (0: all)
 * @param topP keep the smallest set of tokens whose probabilities add up to at least p (1: all)
 * @param repetitionPenalty divides positive logits of tokens already in the text, multiplies negative ones (1: none)
 * @param stopStrings generation ends where one of these first appears in the new text
 * @param stopAtEos end at the model's end-of-text token ({@code eos_token_id})
 * @param seed seed of the sampling, or null for a fresh one per call
 */
public record GenerationConfig(int maxNewTokens, boolean doSample, double temperature, int topK, double topP, double repetitionPenalty,
        List<String> stopStrings, boolean stopAtEos, Long seed) {
    public GenerationConfig {
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        if (maxNewTokens < 0) {
            throw new GraftException("max_new_tokens is " + maxNewTokens, "give 0 or more new tokens");
        }
        if (!(temperature > 0)) {
            throw new GraftException("temperature is " + temperature, "give a positive temperature (1 leaves the logits as they are)");
        }
        if (topK < 0) {
            throw new GraftException("top_k is " + topK, "give 0 (all tokens) or more");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new GraftException("top_p is " + topP, "give a probability in (0, 1]");
        }
        if (!(repetitionPenalty > 0)) {
            throw new GraftException("repetition_penalty is " + repetitionPenalty, "give a positive penalty (1: none, 1.2 as in the CTRL paper)");
        }
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new GraftException("a stop string is empty", "give stop strings of at least one character");
            }
        }
    }

    /** transformers' defaults: greedy, 20 new tokens, temperature 1, top-k 50, top-p 1, no repetition penalty, stop at eos. */
    public static GenerationConfig defaults() {
        return new GenerationConfig(20, false, 1.0, 50, 1.0, 1.0, List.of(), true, null);
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, doSample, temperature, topK, topP, repetitionPenalty, stopStrings, stopAtEos, seed);
    }

    public GenerationConfig withDoSample(boolean sample) {
        return new GenerationConfig(maxNewTokens, sample, temperature, topK, topP, repetitionPenalty, stopStrings, stopAtEos, seed);
    }

    public GenerationConfig withTemperature(double t) {
        return new GenerationConfig(maxNewTokens, doSample, t, topK, topP, repetitionPenalty, stopStrings, stopAtEos, seed);
    }

    public GenerationConfig withTopK(int k) {
        return new GenerationConfig(maxNewTokens, doSample, temperature, k, topP, repetitionPenalty, stopStrings, stopAtEos, seed);
    }

    public GenerationConfig withTopP(double p) {
        return new GenerationConfig(maxNewTokens, doSample, temperature, topK, p, repetitionPenalty, stopStrings, stopAtEos, seed);
    }

    public GenerationConfig withRepetitionPenalty(double penalty) {
        return new GenerationConfig(maxNewTokens, doSample, temperature, topK, topP, penalty, stopStrings, stopAtEos, seed);
    }

    public GenerationConfig withStopStrings(List<String> stops) {
        return new GenerationConfig(maxNewTokens, doSample, temperature, topK, topP, repetitionPenalty, stops, stopAtEos, seed);
    }

    public GenerationConfig withStopAtEos(boolean stop) {
        return new GenerationConfig(maxNewTokens, doSample, temperature, topK, topP, repetitionPenalty, stopStrings, stop, seed);
    }

    public GenerationConfig withSeed(Long s) {
        return new GenerationConfig(maxNewTokens, doSample, temperature, topK, topP, repetitionPenalty, stopStrings, stopAtEos, s);
    }
}
