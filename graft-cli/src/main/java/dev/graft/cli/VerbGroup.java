package dev.graft.cli;

import picocli.CommandLine;

/**
 * A command that only groups verbs ({@code graft}, {@code graft hub}, {@code graft models}, ...): run
 * without a verb, it prints its usage, which lists them, and exits 0.
 */
public abstract class VerbGroup implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
