package dev.graft.cli.train;

import dev.graft.peft.Ia3Config;
import dev.graft.peft.LoraConfig;
import picocli.CommandLine.Option;

/**
 * The adapter flags of {@code --strategy lora} (and {@code ia3}: {@code --target-modules}, {@code --feedforward-modules});
 * what is not given keeps the core's defaults ({@link LoraConfig#defaults}, {@link Ia3Config#defaults}).
 */
public final class LoraOptions {
    @Option(names = "--lora-r", paramLabel = "R", description = "For lora: rank of the adapters (default: " + LoraConfig.DEFAULT_R + ").")
    Integer r;

    @Option(names = "--lora-alpha", paramLabel = "A", description = "For lora: lora_alpha; updates are scaled by alpha/r (default: 16).")
    Double alpha;

    @Option(names = "--lora-dropout", paramLabel = "P", description = "For lora: dropout on the adapters' input (default: 0.1).")
    Double dropout;

    @Option(names = "--target-modules", paramLabel = "NAMES", description = "For lora and ia3: linear layers to adapt, names matched as suffixes of"
            + " the module path (query,value) or one regular expression matched against the whole path (default: the family's, as PEFT's).")
    String targets;

    @Option(names = "--feedforward-modules", paramLabel = "NAMES", description = "For ia3: the target layers that scale their input"
            + " (names matched as suffixes, or one regular expression; default: the family's, as PEFT's: output.dense for BERT).")
    String feedforward;

    @Option(names = "--use-rslora", description = "For lora: scale by alpha/sqrt(r) (rank-stabilised LoRA).")
    boolean rslora;

    @Option(names = "--num-virtual-tokens", paramLabel = "N", description = "For prompt-tuning: virtual tokens in front of every input (default: "
            + dev.graft.peft.PromptTuningConfig.DEFAULT_VIRTUAL_TOKENS + ").")
    Integer virtualTokens;

    @Option(names = "--prompt-tuning-init-text", paramLabel = "TEXT", description = "For prompt-tuning: start the virtual tokens from this text's"
            + " word embeddings (PEFT's prompt_tuning_init TEXT; default: RANDOM).")
    String initText;

    /** {@code base} with the flags given on the command line. */
    public LoraConfig apply(LoraConfig base) {
        LoraConfig c = base;
        if (r != null) {
            c = c.withR(r);
        }
        if (alpha != null) {
            c = c.withAlpha(alpha);
        }
        if (dropout != null) {
            c = c.withDropout(dropout);
        }
        if (rslora) {
            c = c.withRslora(true);
        }
        if (promptGiven()) {
            throw new dev.graft.GraftException("--num-virtual-tokens and --prompt-tuning-init-text are prompt-tuning settings", "drop them, or use --strategy prompt-tuning");
        }
        return LoraConfig.parseTargets(c, targets);
    }

    /** {@code base} with the prompt-tuning flags given on the command line (the LoRA and IA3 ones are refused). */
    public dev.graft.peft.PromptTuningConfig apply(dev.graft.peft.PromptTuningConfig base) {
        if (r != null || alpha != null || dropout != null || rslora || targets != null || feedforward != null) {
            throw new dev.graft.GraftException("--lora-r, --lora-alpha, --lora-dropout, --use-rslora, --target-modules and --feedforward-modules"
                    + " do not apply to prompt-tuning, which adapts no layer", "drop them; prompt-tuning takes --num-virtual-tokens and --prompt-tuning-init-text");
        }
        dev.graft.peft.PromptTuningConfig c = virtualTokens == null ? base : base.withNumVirtualTokens(virtualTokens);
        return initText == null ? c : c.withInitText(initText);
    }

    /** {@code base} with the IA3 flags given on the command line (the LoRA-only ones are refused). */
    public Ia3Config apply(Ia3Config base) {
        if (r != null || alpha != null || dropout != null || rslora || promptGiven()) {
            throw new dev.graft.GraftException("--lora-r, --lora-alpha, --lora-dropout and --use-rslora are LoRA settings (--num-virtual-tokens and"
                    + " --prompt-tuning-init-text prompt-tuning ones); ia3 has none of them",
                    "drop them, or use --strategy lora");
        }
        return Ia3Config.parse(base, targets, feedforward);
    }

    /** Whether any adapter flag was given (they only mean something with an adapter strategy). */
    public boolean given() {
        return r != null || alpha != null || dropout != null || targets != null || feedforward != null || rslora || promptGiven();
    }

    private boolean promptGiven() {
        return virtualTokens != null || initText != null;
    }
}
