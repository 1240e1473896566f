package dev.graft.hub.protocol;

/**
 * The kinds of repository the hub holds. Each kind has its own URL prefix, API path and cache folder
 * prefix, exactly as on the Hugging Face Hub ({@code datasets/} in file URLs, {@code /api/datasets} in
 * the API, {@code datasets--owner--name} in the cache).
 */
public enum RepoType {
    MODEL,
    DATASET;

    /** {@code model} or {@code dataset}, as in {@code {"type": "model"}} of {@code /api/repos/create}. */
    public String singular() {
        return this == MODEL ? "model" : "dataset";
    }

    /** {@code models} or {@code datasets}: the API collection ({@code /api/models/...}) and cache folder prefix. */
    public String plural() {
        return singular() + "s";
    }

    /** Prefix of file URLs: empty for models, {@code datasets/} for data sets. */
    public String urlPrefix() {
        return this == MODEL ? "" : plural() + "/";
    }

    /**
     * Parses {@code model} or {@code dataset} (or their plurals), spelled exactly so: the Hub's paths are
     * case-sensitive. {@code null} or empty means model, the Hub's default when a request names no type.
     */
    public static RepoType parse(String text) {
        if (text == null || text.isEmpty()) {
            return MODEL;
        }
        for (RepoType t : values()) {
            if (t.singular().equals(text) || t.plural().equals(text)) {
                return t;
            }
        }
        throw new HubProtocolException("unknown repository type '" + RepoId.printable(text) + "'", "use model or dataset");
    }
}
