package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.cli.hub.LocalHub;
import dev.graft.progress.Output;
import dev.graft.text.TextEncoder;
import dev.graft.zoo.bert.MiniLm;

/**
 * Opens text models for the verbs; the first time the built-in all-MiniLM-L6-v2 is imported it is
 * also published to the local hub as {@code sentence-transformers/all-MiniLM-L6-v2}.
 */
final class TextModels {
    private TextModels() {}

    static boolean isBuiltin(String model) {
        return model == null || TextEncoder.MINILM_NAMES.stream().anyMatch(n -> n.equalsIgnoreCase(model));
    }

    /** {@link TextEncoder#open}, publishing a fresh MiniLM import to the local hub. */
    static TextEncoder open(String model) {
        boolean fresh = isBuiltin(model) && !MiniLm.isImported(MiniLm.dir());
        TextEncoder enc = TextEncoder.open(model);
        if (fresh) {
            publishBase();
        }
        return enc;
    }

    /** Publishes the imported MiniLM folder to the local hub; a failure is only a warning. */
    static void publishBase() {
        try {
            LocalHub.push(MiniLm.dir(), MiniLm.ID, "Import all-MiniLM-L6-v2 from its ONNX export");
            Output.note("published " + MiniLm.ID + " to the local hub");
        } catch (GraftException e) {
            Output.warn(MiniLm.ID + " was imported but not published to the local hub: " + dev.graft.cli.CliErrors.oneLine(e));
        }
    }
}
