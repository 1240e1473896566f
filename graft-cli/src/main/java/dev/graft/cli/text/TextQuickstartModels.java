package dev.graft.cli.text;

import dev.graft.text.TextEncoder;

/** Which model names mean the built-in all-MiniLM-L6-v2. */
final class TextQuickstartModels {
    private TextQuickstartModels() {}

    static boolean isBuiltin(String model) {
        return model == null || TextEncoder.MINILM_NAMES.stream().anyMatch(n -> n.equalsIgnoreCase(model));
    }
}
