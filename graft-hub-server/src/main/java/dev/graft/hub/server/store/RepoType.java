package dev.graft.hub.server.store;

import dev.graft.hub.server.HubError;

/** Kinds of repository, with the names the Hugging Face protocol uses for them in paths. */
public enum RepoType {
    MODEL("model", "models", ""),
    DATASET("dataset", "datasets", "datasets/");

    private final String singular;
    private final String plural;
    private final String urlPrefix;

    RepoType(String singular, String plural, String urlPrefix) {
        this.singular = singular;
        this.plural = plural;
        this.urlPrefix = urlPrefix;
    }

    /** {@code model} or {@code dataset}, as in {@code {"type": "model"}}. */
    public String singular() {
        return singular;
    }

    /** {@code models} or {@code datasets}, as in {@code /api/models/...}. */
    public String plural() {
        return plural;
    }

    /** Prefix of file URLs: empty for models, {@code datasets/} for data sets. */
    public String urlPrefix() {
        return urlPrefix;
    }

    /** Parses {@code model}/{@code dataset} (or their plurals); {@code null} means model. */
    public static RepoType parse(String s) {
        if (s == null || s.isEmpty()) {
            return MODEL;
        }
        for (RepoType t : values()) {
            if (t.singular.equals(s) || t.plural.equals(s)) {
                return t;
            }
        }
        throw HubError.badRequest("unknown repository type '" + s + "': use model or dataset");
    }
}
