package dev.graft.hub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.GraftException;
import dev.graft.hub.protocol.RepoType;
import dev.graft.util.Json;
import dev.graft.weights.SafeTensors;
import dev.graft.weights.TensorInfo;
import dev.graft.zoo.ResolvedWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A timm-style {@code hf-hub:owner/name[@revision]} model repository as the zoo needs it: a
 * {@code config.json} and safetensors weights (one file or the shards of a sharded checkpoint), with
 * one clear error for each way a repository falls short (no config, only a pickle, a missing shard).
 * What {@link Hub#snapshotModel} and {@link Hub#remoteCheckpoint} do.
 */
final class ModelRepository {
    private static final String RESAVE = "re-save the checkpoint (save_pretrained writes the index with its shards)";

    private final Hub hub;

    /** Model repositories {@code hub} downloads (and reads the headers of their weights from, {@link Hub#remote()}). */
    ModelRepository(Hub hub) {
        this.hub = hub;
    }

    /** See {@link Hub#snapshotModel(String)}. */
    Path snapshot(String hfHubSpec) {
        String[] rr = repoAndRevision(hfHubSpec);
        String repo = rr[0];
        String rev = rr[1];
        Path dir = hub.snapshot(RepoType.MODEL, repo, rev, Hub.MODEL_FILES);
        if (!Files.exists(dir.resolve("config.json"))) {
            throw noConfig(repo);
        }
        try (Stream<Path> files = Files.list(dir)) {
            if (files.noneMatch(p -> p.getFileName().toString().endsWith(".safetensors"))) {
                throw noSafetensors(repo, publishesPickle(repo, rev));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checkShards(repo, rev, dir);
        return dir;
    }

    /** See {@link Hub#snapshotFiles(String)}. */
    Path files(String hfHubSpec) {
        String[] rr = repoAndRevision(hfHubSpec);
        return hub.snapshot(RepoType.MODEL, rr[0], rr[1], Hub.MODEL_FILES);
    }

    /** See {@link Hub#remoteCheckpoint(String)}. */
    RemoteCheckpoint remoteCheckpoint(String hfHubSpec) {
        String[] rr = repoAndRevision(hfHubSpec);
        String repo = rr[0];
        hub.remote().requireOnline("reading the weights' headers of " + repo);
        RepoInfo info = hub.info(RepoType.MODEL, repo, rr[1]);
        if (!RepoPaths.isCommitSha(info.sha())) {
            throw HubHttp.protocolError("the hub sent no commit sha for " + repo);
        }
        String commit = info.sha();
        List<String> files = info.files();
        if (!files.contains(ResolvedWeights.CONFIG_FILE)) {
            throw noConfig(repo);
        }
        Path config = hub.download(RepoType.MODEL, repo, ResolvedWeights.CONFIG_FILE, commit);
        List<String> weights;
        boolean sharded = false;
        if (files.contains(ResolvedWeights.WEIGHTS_FILE)) {
            weights = List.of(ResolvedWeights.WEIGHTS_FILE);
        } else if (files.contains(ResolvedWeights.INDEX_FILE)) {
            weights = shardsOf(repo, hub.download(RepoType.MODEL, repo, ResolvedWeights.INDEX_FILE, commit), files);
            sharded = true;
        } else {
            throw noSafetensors(repo, files.contains(ResolvedWeights.PICKLE_FILE));
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        Map<String, String> sha256 = new LinkedHashMap<>();
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (String f : weights) {
            FileMetadata meta = hub.remote().fileMetadata(RepoType.MODEL, repo, f, commit);
            sizes.put(f, meta.size());
            if (meta.isSha256()) {
                sha256.put(f, meta.etag());
            }
            SafeTensors.Header h = hub.remote().safetensorsHeader(meta, repo + "@" + commit.substring(0, 12) + ": " + f);
            for (var e : h.tensors().entrySet()) {
                if (tensors.putIfAbsent(e.getKey(), e.getValue()) != null) {
                    throw new GraftException("model repository " + repo + ": tensor '" + e.getKey() + "' is in more than one shard",
                            "re-save the checkpoint (save_pretrained writes each tensor once)");
                }
            }
        }
        return new RemoteCheckpoint(repo, commit, config, Collections.unmodifiableMap(sizes),
                Collections.unmodifiableMap(sha256), Collections.unmodifiableMap(tensors), sharded);
    }

    /** {@code hf-hub:owner/name[@revision]} (the prefix optional) as {repo, revision or null}. */
    private static String[] repoAndRevision(String hfHubSpec) {
        String spec = hfHubSpec.startsWith("hf-hub:") ? hfHubSpec.substring("hf-hub:".length()) : hfHubSpec;
        int at = spec.indexOf('@');
        String repo = at < 0 ? spec : spec.substring(0, at);
        String rev = at < 0 ? null : spec.substring(at + 1);
        if (rev != null && rev.isEmpty()) {
            throw new GraftException("empty revision in '" + hfHubSpec + "'", "write hf-hub:owner/name or hf-hub:owner/name@revision");
        }
        return new String[] {repo, rev};
    }

    private static GraftException noConfig(String repo) {
        return new GraftException("model repository " + repo + " has no config.json",
                "push the model with its config.json (graft exports it next to model.safetensors)");
    }

    private static GraftException noSafetensors(String repo, boolean pickle) {
        if (pickle) {
            return new GraftException("model repository " + repo + " publishes its weights only as "
                    + ResolvedWeights.PICKLE_FILE + ", a PyTorch pickle, which Graft never loads (unpickling can run code)",
                    "use a revision with model.safetensors, or download it, " + ResolvedWeights.convertPickle(ResolvedWeights.PICKLE_FILE)
                            + " and load the folder with local-dir:");
        }
        return new GraftException("model repository " + repo + " has no .safetensors weights", "push model.safetensors with the config");
    }

    /** The shards {@code index} names (each once, in order), each one the repository holds. */
    private static List<String> shardsOf(String repo, Path index, List<String> files) {
        String where = "model repository " + repo + ": " + ResolvedWeights.INDEX_FILE;
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(index.toFile()).get("weight_map");
        } catch (IOException e) {
            throw new GraftException(where + " is not JSON: " + e.getMessage(), RESAVE);
        }
        if (map == null || !map.isObject() || map.isEmpty()) {
            throw new GraftException(where + " has no weight_map", RESAVE);
        }
        Set<String> shards = new LinkedHashSet<>();
        Set<String> missing = new TreeSet<>();
        for (JsonNode v : map) {
            String shard = v.asText();
            if (!v.isTextual() || shard.contains("/") || !shard.endsWith(".safetensors")) {
                throw new GraftException(where + " names '" + shard + "', not a .safetensors file beside it", RESAVE);
            }
            (files.contains(shard) ? shards : missing).add(shard);
        }
        if (!missing.isEmpty()) {
            throw notInRepository(where, missing);
        }
        return List.copyOf(shards);
    }

    /**
     * A repository without {@code model.safetensors} but with {@code model.safetensors.index.json}
     * (transformers' sharded checkpoint): every shard the index names came with the snapshot
     * ({@link Hub#MODEL_FILES} match them); one the repository lacks is named here, with the repository.
     */
    private void checkShards(String repo, String rev, Path dir) {
        if (Files.exists(dir.resolve(ResolvedWeights.WEIGHTS_FILE)) || !Files.exists(dir.resolve(ResolvedWeights.INDEX_FILE))) {
            return;
        }
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(dir.resolve(ResolvedWeights.INDEX_FILE).toFile()).get("weight_map");
        } catch (IOException e) {
            return;  // the checkpoint reader says what is wrong with the index, naming it
        }
        if (map == null || !map.isObject()) {
            return;
        }
        Set<String> missing = new TreeSet<>();
        for (JsonNode v : map) {
            if (v.isTextual() && !v.asText().contains("/") && !Files.exists(dir.resolve(v.asText()))) {
                missing.add(v.asText());
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String where = "model repository " + repo + (rev == null ? "" : "@" + rev) + ": " + ResolvedWeights.INDEX_FILE;
        if (hub.config().offline()) {
            throw new GraftException(where + namesShards(missing) + ", which the cache does not hold (offline mode is on)",
                    "download the repository once online (graft hub pull " + repo + "), then work offline");
        }
        throw notInRepository(where, missing);
    }

    private static String namesShards(Set<String> missing) {
        return " names shard" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing);
    }

    private static GraftException notInRepository(String where, Set<String> missing) {
        return new GraftException(where + namesShards(missing) + ", which the repository does not hold",
                "push every shard the index names (save_pretrained writes them together), or a single model.safetensors");
    }

    /** Whether the repository holds a {@code pytorch_model.bin}; false where that cannot be asked (offline). */
    private boolean publishesPickle(String repo, String rev) {
        try {
            return hub.info(RepoType.MODEL, repo, rev).files().contains(ResolvedWeights.PICKLE_FILE);
        } catch (GraftException e) {
            return false;
        }
    }
}
