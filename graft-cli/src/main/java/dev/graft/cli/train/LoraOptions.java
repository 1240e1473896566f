package dev.graft.cli.train;

import dev.graft.peft.LoraConfig;
import picocli.CommandLine.Option;

/** The LoRA flags of {@code --strategy lora}; what is not given keeps the core's defaults ({@link LoraConfig#defaults}). */
public final class LoraOptions {
    @Option(names = "--lora-r", paramLabel = "R", description = "For lora: rank of the adapters (default: " + LoraConfig.DEFAULT_R + ").")
    Integer r;

    @Option(names = "--lora-alpha", paramLabel = "A", description = "For lora: lora_alpha; updates are scaled by alpha/r (default: 16).")
    Double alpha;

    @Option(names = "--lora-dropout", paramLabel = "P", description = "For lora: dropout on the adapters' input (default: 0.1).")
    Double dropout;

    @Option(names = "--target-modules", paramLabel = "NAMES", description = "For lora: linear layers to adapt, names matched as suffixes of"
            + " the module path (query,value) or one regular expression matched against the whole path (default: the family's, as PEFT's).")
    String targets;

    @Option(names = "--use-rslora", description = "For lora: scale by alpha/sqrt(r) (rank-stabilised LoRA).")
    boolean rslora;

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
        return LoraConfig.parseTargets(c, targets);
    }

    /** Whether any LoRA flag was given (they only mean something with {@code --strategy lora}). */
    public boolean given() {
        return r != null || alpha != null || dropout != null || targets != null || rslora;
    }
}
