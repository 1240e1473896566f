package dev.graft.hub.server;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route table: HTTP method and path pattern to handler, tried top to bottom; the first row that matches
 * handles the request. Patterns match the decoded path segments one by one: {@code api} a literal,
 * {@code {owner}} any one segment, {@code {type:models|datasets}} one of these, {@code {name}.git} a segment
 * with that ending (captured without it), and, last only, {@code {path*}} / {@code {path+}} zero / one or
 * more segments joined with {@code /}. A request for {@code HEAD} matches the {@code GET} rows.
 *
 * <pre>{@code
 * Routes routes = new Routes()
 *         .on("GET", "/api/{type:models|datasets}/{owner}/{name}/refs", (ex, who, p) -> refs(ex, who, p.repo()))
 *         .passOn("/api/{rest*}");
 * boolean handled = routes.handle(exchange, principal);
 * }</pre>
 */
final class Routes {
    /** Answers a request whose path matched a row. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange ex, Principal who, PathVars path) throws IOException;
    }

    /** What a row's pattern captured, and the method it matched with ({@code GET} for {@code HEAD}). */
    record PathVars(String method, Map<String, String> values) {
        String get(String name) {
            return values.get(name);
        }

        /** The repository type of {@code {type}}; a model when the pattern has none. */
        RepoType repoType() {
            return RepoType.parse(values.get("type"));
        }

        /** The repository of {@code {type}}, {@code {owner}} and {@code {name}}; 400 for an invalid name. */
        RepoId repo() {
            return new RepoId(repoType(), values.get("owner"), values.get("name"));
        }
    }

    private enum Kind { HANDLE, CHECK, PASS_ON }

    private record Route(Kind kind, Set<String> methods, List<Segment> pattern, Handler handler) {}

    /** One pattern segment; {@code choices} empty means any value, {@code rest} 0 or 1 takes the remaining segments. */
    private record Segment(String literal, String var, Set<String> choices, String suffix, int rest) {
        static Segment parse(String s) {
            if (!s.startsWith("{")) {
                return new Segment(s, null, Set.of(), "", -1);
            }
            int close = s.indexOf('}');
            String inside = s.substring(1, close);
            String suffix = s.substring(close + 1);
            if (inside.endsWith("*") || inside.endsWith("+")) {
                return new Segment(null, inside.substring(0, inside.length() - 1), Set.of(), "", inside.endsWith("*") ? 0 : 1);
            }
            int colon = inside.indexOf(':');
            return colon < 0 ? new Segment(null, inside, Set.of(), suffix, -1)
                    : new Segment(null, inside.substring(0, colon), Set.of(inside.substring(colon + 1).split("\\|")), suffix, -1);
        }

        /** The value this segment captures from {@code s}, or {@code null} when it does not match. */
        String capture(String s) {
            if (literal != null) {
                return literal.equals(s) ? s : null;
            }
            if (!s.endsWith(suffix)) {
                return null;
            }
            String value = s.substring(0, s.length() - suffix.length());
            return choices.isEmpty() || choices.contains(value) ? value : null;
        }
    }

    private final List<Route> routes = new ArrayList<>();

    /** A row: {@code methods} is one method, several joined by {@code |}, or {@code *} for any. */
    Routes on(String methods, String pattern, Handler handler) {
        routes.add(new Route(Kind.HANDLE, Set.of(methods.split("\\|")), compile(pattern), handler));
        return this;
    }

    /** Runs {@code check} on every request under {@code pattern} (any method), then goes on with the rows below. */
    Routes check(String pattern, Handler check) {
        routes.add(new Route(Kind.CHECK, Set.of("*"), compile(pattern), check));
        return this;
    }

    /** Requests under {@code pattern} that no row above took are not this table's: the rows below never see them. */
    Routes passOn(String pattern) {
        routes.add(new Route(Kind.PASS_ON, Set.of("*"), compile(pattern), null));
        return this;
    }

    /** Handles the request with the first matching row; {@code false} if no row took it. */
    boolean handle(Exchange ex, Principal who) throws IOException {
        String method = ex.method.equals("HEAD") ? "GET" : ex.method;
        for (Route r : routes) {
            if (!r.methods().contains("*") && !r.methods().contains(method)) {
                continue;
            }
            Map<String, String> values = match(r.pattern(), ex.segments);
            if (values == null) {
                continue;
            }
            switch (r.kind()) {
                case PASS_ON -> {
                    return false;
                }
                case CHECK -> r.handler().handle(ex, who, new PathVars(method, values));
                case HANDLE -> {
                    r.handler().handle(ex, who, new PathVars(method, values));
                    return true;
                }
            }
        }
        return false;
    }

    /** What {@code pattern} captures from the decoded path segments, or {@code null} when it does not match them. */
    static Map<String, String> match(String pattern, List<String> path) {
        return match(compile(pattern), path);
    }

    private static List<Segment> compile(String pattern) {
        List<Segment> out = new ArrayList<>();
        for (String s : pattern.substring(1).split("/")) {
            out.add(Segment.parse(s));
        }
        return out;
    }

    private static Map<String, String> match(List<Segment> pattern, List<String> path) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            Segment p = pattern.get(i);
            if (p.rest() >= 0) {
                if (path.size() - i < p.rest()) {
                    return null;
                }
                values.put(p.var(), String.join("/", path.subList(i, path.size())));
                return values;
            }
            String value = i < path.size() ? p.capture(path.get(i)) : null;
            if (value == null) {
                return null;
            }
            if (p.var() != null) {
                values.put(p.var(), value);
            }
        }
        return pattern.size() == path.size() ? values : null;
    }
}
