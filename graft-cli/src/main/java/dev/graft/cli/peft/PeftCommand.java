package dev.graft.cli.peft;

import dev.graft.cli.VerbGroup;
import picocli.CommandLine.Command;

/** {@code graft peft}: work with LoRA adapters in Hugging Face PEFT's format. */
@Command(
        name = "peft",
        mixinStandardHelpOptions = true,
        description = "LoRA adapters in PEFT's format: merge one into its base model, or take it back out.",
        subcommands = {
            PeftMergeCommand.class,
            PeftUnmergeCommand.class,
        })
public final class PeftCommand extends VerbGroup {}
