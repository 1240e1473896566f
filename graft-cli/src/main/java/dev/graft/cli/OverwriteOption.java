package dev.graft.cli;

import dev.graft.train.RunDirectory;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --overwrite}: lets a verb write into a folder that already has content. Without it every
 * verb that writes a folder refuses a non-empty one ({@link RunDirectory#claim}), so a second run
 * cannot silently replace the model of the first. Shared by the verbs as a picocli mixin.
 */
public final class OverwriteOption {
    @Option(names = "--overwrite", description = "Write into the output folder even if it already has files (they are replaced).")
    public boolean overwrite;

    /**
     * Applies the folder rule to {@code dir} before the verb does any work.
     *
     * @param resumeHint how this verb continues a run in {@code dir}, or null when it cannot
     */
    public Path claim(Path dir, String resumeHint) {
        return RunDirectory.claim(dir, overwrite, resumeHint);
    }
}
