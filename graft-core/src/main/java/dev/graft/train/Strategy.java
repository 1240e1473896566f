package dev.graft.train;

import dev.graft.GraftException;
import java.util.Locale;

/**
 * How much of a pretrained model is kept and trained (the founding table of transfer learning).
 *
 * <pre>{@code
 * Strategy s = Strategy.parse("head");
 * }</pre>
 */
public enum Strategy {
    /** Measure the data and let the advisor pick one of the others. */
    AUTO,
    /** Architecture only, random initialisation, train everything (large data, low similarity). */
    SCRATCH,
    /** Pretrained; freeze the stem and the first k stages, train the rest and a new head (large data, high similarity). */
    PARTIAL,
    /** Pretrained; freeze the whole backbone and train only a new classifier on cached features (small data, high similarity). */
    HEAD,
    /** Pretrained; train everything with discriminative learning rates. */
    FULL,
    /**
     * Pretrained and frozen; train low-rank adapters (LoRA, {@code dev.graft.peft}) on the chosen linear
     * layers and a new head, saved as a small PEFT adapter and as the merged model.
     */
    LORA,
    /**
     * Pretrained and frozen; train (IA)³ vectors that scale the chosen linear layers' inputs or outputs
     * ({@code dev.graft.peft.Ia3Config}) and a new head, saved as a PEFT adapter and as the merged model
     * (text encoders).
     */
    IA3,
    /**
     * Pretrained and frozen; train virtual tokens put in front of every input ({@code dev.graft.peft.PromptTuningConfig},
     * PEFT's prompt tuning) and a new head, saved as a PEFT adapter (nothing to merge; text encoders).
     */
    PROMPT_TUNING;

    /** The lower-case name users type ({@code prompt-tuning} for {@link #PROMPT_TUNING}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code auto|scratch|partial|head|full|lora|ia3|prompt-tuning}. */
    public static Strategy parse(String s) {
        for (Strategy v : values()) {
            if (v.id().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new GraftException("unknown strategy '" + s + "'", "use one of auto, scratch, partial, head, full, lora, ia3, prompt-tuning");
    }

    /** Whether the strategy trains a PEFT adapter on the frozen model ({@code lora}, {@code ia3}, {@code prompt-tuning}). */
    public boolean isAdapter() {
        return this == LORA || this == IA3 || this == PROMPT_TUNING;
    }

    /** Whether the strategy starts from pretrained weights. */
    public boolean usesPretrained() {
        return this != SCRATCH;
    }
}
