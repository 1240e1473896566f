package dev.graft.cli.hub;

import dev.graft.GraftException;
import dev.graft.hub.CommitInfo;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.RepoPaths;
import dev.graft.hub.protocol.RepoType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Publishes a trained model for the verbs' {@code --push-to owner/name}: to the hub the environment
 * names ({@code GRAFT_ENDPOINT} / {@code HF_ENDPOINT}, token from {@code GRAFT_TOKEN} / {@code HF_TOKEN}
 * / {@code graft hub login}), or, when no endpoint is set, into this machine's hub
 * ({@code GRAFT_HOME/hub}, see {@link LocalHub}).
 *
 * <pre>{@code
 * ModelPublisher.checkRepo(pushTo);                       // before training, so a typo costs nothing
 * ModelPublisher.Published p = ModelPublisher.publish(runDir, ModelPublisher.RUN_FILES, pushTo, "fine-tuned", false);
 * System.out.println(p.describe());
 * }</pre>
 */
public final class ModelPublisher {
    /** What a fine-tuning run folder publishes: the exported model, its card and the report it links to. */
    public static final List<String> RUN_FILES = List.of("model.safetensors", "config.json", "README.md", "report.md",
            "curves.png", "confusion.png", "metrics.jsonl");

    private ModelPublisher() {}

    /**
     * Where a model went.
     *
     * @param repo     {@code owner/name}
     * @param commit   the commit id
     * @param endpoint the hub's URL; for the local hub, the URL {@code graft hub serve} listens on by default
     * @param local    true when it went into this machine's hub ({@code GRAFT_HOME/hub}) without a server
     */
    public record Published(String repo, String commit, String endpoint, boolean local) {
        /** The repository's web page. */
        public String pageUrl() {
            return endpoint + "/" + repo;
        }

        /** One line for the terminal: where it went and how to see it. */
        public String describe() {
            return local
                    ? "Pushed to the local hub as " + repo + " (commit " + commit + "); see it with ./graft hub serve, then open "
                            + pageUrl() + "; use it with --model hf-hub:" + repo
                    : "Pushed to " + endpoint + " as " + repo + " (commit " + commit + "): " + pageUrl() + "; use it with --model hf-hub:"
                            + repo;
        }

        /** The same as a JSON-ready map. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repo", repo);
            m.put("commit", commit);
            m.put("url", pageUrl());
            m.put("local", local);
            return m;
        }
    }

    /**
     * Rejects a repository name the hub would refuse for a new repository (the protocol's rule, as the
     * server applies it), with the fix; {@code null} (no push asked for) passes.
     */
    public static void checkRepo(String repo) {
        if (repo != null) {
            RepoPaths.checkNewRepoId(repo);
        }
    }

    /** The endpoint the environment sets ({@code graft.endpoint}, {@code GRAFT_ENDPOINT}, {@code HF_ENDPOINT}), or null. */
    public static String configuredEndpoint() {
        for (String v : new String[] {System.getProperty("graft.endpoint"), System.getenv("GRAFT_ENDPOINT"), System.getenv("HF_ENDPOINT")}) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /**
     * Pushes the files of {@code dir} named in {@code files} (those present; all of {@code dir} when
     * {@code files} is null) to {@code repo} as one commit. The README card is validated first.
     */
    public static Published publish(Path dir, List<String> files, String repo, String message, boolean isPrivate) {
        checkRepo(repo);
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            throw new GraftException("no exported model in " + dir, "publish a finished run (it has model.safetensors and config.json)");
        }
        Path staged = files == null ? dir : stage(dir, files);
        try {
            String endpoint = configuredEndpoint();
            if (endpoint == null) {
                String commit = LocalHub.push(staged, repo, message, isPrivate);
                return new Published(repo, commit, HubConfig.LOCAL_ENDPOINT, true);
            }
            Hub hub = new Hub(HubConfig.fromEnvironment());
            CommitInfo info = hub.push(RepoType.MODEL, repo, staged, "main", message, isPrivate);
            return new Published(repo, info.commitOid(), hub.config().endpoint(), false);
        } finally {
            if (staged != dir) {
                delete(staged);
            }
        }
    }

    /** Copies the publishable files into a fresh folder, so checkpoints and settings stay home. */
    private static Path stage(Path dir, List<String> files) {
        try {
            Path staged = Files.createTempDirectory("graft-push-");
            for (String f : files) {
                Path src = dir.resolve(f);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, staged.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return staged;
        } catch (IOException e) {
            throw new GraftException("cannot prepare " + dir + " for upload: " + e.getMessage(), "check the temporary folder is writable", e);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover copy in the temporary folder is harmless; the push already reported its result
        }
    }
}
