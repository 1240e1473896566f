package dev.graft.hub.server.index;

import java.util.List;

/**
 * A listing query, as {@code GET /api/models} takes it.
 *
 * @param type {@code model} or {@code dataset}
 * @param search substring of the id (case-insensitive), or {@code null}
 * @param author owner, or {@code null}
 * @param filters tags every result must carry
 * @param sort {@code downloads}, {@code lastModified}, {@code createdAt} or {@code id}
 * @param descending whether to sort from the largest
 * @param viewer the user asking (sees their own private repositories), or {@code null}
 * @param offset results to skip
 * @param limit results to return
 */
public record RepoQuery(String type, String search, String author, List<String> filters, String sort, boolean descending,
        String viewer, int offset, int limit) {}
