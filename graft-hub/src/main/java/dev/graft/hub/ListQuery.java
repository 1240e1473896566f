package dev.graft.hub;

import java.util.ArrayList;
import java.util.List;

/**
 * A search over {@code /api/models} or {@code /api/datasets}.
 *
 * <pre>{@code
 * List<RepoInfo> hits = hub.list(RepoType.MODEL, ListQuery.all().search("resnet").filter("image-classification").limit(20));
 * }</pre>
 *
 * @param search    substring of the id
 * @param author    owner
 * @param filters   tags that must all be present
 * @param sort      {@code downloads}, {@code lastModified}, {@code likes}... (hub-defined)
 * @param direction -1 for descending (the hub's default when sorting)
 * @param limit     stop after this many results; {@code null} for all pages
 * @param full      ask for full entries (siblings, card data)
 */
public record ListQuery(String search, String author, List<String> filters, String sort, Integer direction,
                        Integer limit, boolean full) {
    public ListQuery {
        filters = filters == null ? List.of() : List.copyOf(filters);
    }

    /** Everything, all pages. */
    public static ListQuery all() {
        return new ListQuery(null, null, List.of(), null, null, null, false);
    }

    public ListQuery search(String s) {
        return new ListQuery(s, author, filters, sort, direction, limit, full);
    }

    public ListQuery author(String a) {
        return new ListQuery(search, a, filters, sort, direction, limit, full);
    }

    /** Adds a required tag. */
    public ListQuery filter(String tag) {
        List<String> f = new ArrayList<>(filters);
        f.add(tag);
        return new ListQuery(search, author, f, sort, direction, limit, full);
    }

    public ListQuery sort(String key, Integer dir) {
        return new ListQuery(search, author, filters, key, dir, limit, full);
    }

    public ListQuery limit(Integer n) {
        return new ListQuery(search, author, filters, sort, direction, n, full);
    }

    public ListQuery full(boolean f) {
        return new ListQuery(search, author, filters, sort, direction, limit, f);
    }

    /** The query's URL parameters, quoted, as {@code ?search=...&filter=...}; empty when it sets none. */
    String queryString() {
        List<String> params = new ArrayList<>();
        if (search != null) {
            params.add("search=" + RepoPaths.quoteQuery(search));
        }
        if (author != null) {
            params.add("author=" + RepoPaths.quoteQuery(author));
        }
        for (String f : filters) {
            params.add("filter=" + RepoPaths.quoteQuery(f));
        }
        if (sort != null) {
            params.add("sort=" + RepoPaths.quoteQuery(sort));
        }
        if (direction != null) {
            params.add("direction=" + direction);
        }
        if (limit != null) {
            params.add("limit=" + limit);
        }
        if (full) {
            params.add("full=true");
        }
        return params.isEmpty() ? "" : "?" + String.join("&", params);
    }
}
