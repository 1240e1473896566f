package dev.graft.hub;

import dev.graft.GraftException;
import java.util.Locale;

/**
 * The kinds of repository the hub holds. Each kind has its own URL prefix, API path and cache
 * folder prefix, exactly as on the Hugging Face Hub ({@code datasets/} in file URLs,
 * {@code /api/datasets} in the API, {@code datasets--owner--name} in the cache).
 */
public enum RepoType {
    MODEL("model", ""),
    DATASET("dataset", "datasets/");

    private final String wireName;
    private final String urlPrefix;

    RepoType(String wireName, String urlPrefix) {
        this.wireName = wireName;
        this.urlPrefix = urlPrefix;
    }

    /** {@code model} or {@code dataset}, as sent in {@code /api/repos/create}. */
    public String wireName() {
        return wireName;
    }

    /** Prefix of file URLs: empty for models, {@code datasets/} for data sets. */
    public String urlPrefix() {
        return urlPrefix;
    }

    /** {@code models} or {@code datasets}: the API collection and cache folder prefix. */
    public String plural() {
        return wireName + "s";
    }

    /** Parses {@code model}/{@code dataset} (also the plurals), case-insensitively. */
    public static RepoType parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "model": case "models": return MODEL;
            case "dataset": case "datasets": return DATASET;
            default:
                throw new GraftException("unknown repository type '" + text + "'", "use model or dataset");
        }
    }
}
