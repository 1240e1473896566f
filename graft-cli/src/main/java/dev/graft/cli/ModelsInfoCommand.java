package dev.graft.cli;

import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.HubException;
import dev.graft.hub.RemoteCheckpoint;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.ShippedWeights;
import dev.graft.zoo.Weights;
import dev.graft.zoo.WeightsSources;
import dev.graft.zoo.Zoo;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code graft models info NAME}: what a model is and what its weights are. */
@Command(name = "info", description = "Show a model's architecture, parameters, input, normalisation, licence, source and weights.")
public final class ModelsInfoCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "arch, arch.tag or a source, e.g. small_cnn.graft_mnist, local-dir:DIR, hf-hub:org/name")
    String name;

    /** Class names the table shows before "... (N in all)". */
    static final int SHOWN_LABELS = 20;

    @Override
    public Integer call() throws Exception {
        RemoteCheckpoint remote = remoteCheckpoint(name);
        ResolvedWeights source = remote == null && WeightsSources.hasPrefix(name) ? Zoo.source(name) : null;
        PretrainedCfg cfg = remote != null ? PretrainedCfg.read(remote.config()) : source != null ? source.cfg() : Zoo.cfg(name);
        Zoo.Architecture arch = Zoo.architecture(cfg.architecture());
        // Random weights suffice to count parameters and list groups; nothing is loaded.
        dev.graft.zoo.CreateOptions options = dev.graft.zoo.CreateOptions.defaults().withNumClasses(cfg.numClasses());
        if (cfg.inputSize() != null) {
            options = options.withInChans(cfg.inputSize().get(0)).withImgSize(cfg.inputSize().get(1));
        }
        // A text model (no input size) takes token ids; image-only fields are left out below.
        GraftModel model = Zoo.create(arch.name(), options);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", name);
        info.put("architecture", cfg.architecture());
        info.put("family", arch.family());
        info.put("tag", cfg.tag());
        info.put("parameters", model.numParams());
        info.put("num_classes", cfg.numClasses());
        info.put("num_features", model.numFeatures());
        info.put("input_size", cfg.inputSize());
        info.put("interpolation", cfg.interpolation());
        info.put("crop_pct", cfg.inputSize() == null ? null : cfg.cropPct());
        info.put("crop_mode", cfg.cropMode());
        info.put("mean", cfg.mean());
        info.put("std", cfg.std());
        info.put("first_conv", cfg.firstConv());
        info.put("classifier", cfg.classifier());
        info.put("global_pool", cfg.globalPool());
        info.put("groups", model.groupMatcher().stream().map(ParamGroup::name).toList());
        info.put("license", cfg.license());
        info.put("source", cfg.source());
        if (cfg.labelNames() != null) {
            // All of them in JSON; the table shows the first ones (an ImageNet head has 1000).
            List<String> labels = cfg.labelNames();
            info.put("label_names", Output.json() || labels.size() <= SHOWN_LABELS ? labels
                    : labels.subList(0, SHOWN_LABELS) + " ... (" + labels.size() + " in all)");
        }
        if (remote != null) {
            putRemote(info, remote, model);
        } else if (source != null) {
            Path file = source.weightsFile();
            info.put("weights", file.toString());
            putCheckpoint(info, file, model);
        } else if (cfg.tag() != null) {
            Path found = Checkpoint.find(Zoo.weightsDir(name));  // model.safetensors or a sharded checkpoint's index
            Path file = found != null ? found : Zoo.weightsDir(name).resolve(ResolvedWeights.WEIGHTS_FILE);
            ShippedWeights shipped = Zoo.shippedWeights(name);
            String step = CliErrors.weightsStep(Zoo.weightsStep(name));
            boolean here = found != null;
            info.put("weights", here ? file.toString() : step != null ? "not on this machine (" + step + ")"
                    : Zoo.isImported(name) ? "not on this machine yet (imported on first use into " + file.getParent() + ")"
                    : Zoo.hubWeights(name) != null ? "on the hub (" + Zoo.hubWeights(name) + "), fetched into the hub cache on first use"
                    : "shipped with Graft (copied on first use into " + file.getParent() + ")");
            if (shipped != null) {
                boolean own = here && !shipped.isCopyIn(file.getParent());
                info.put("weights_origin", own ? "made on this machine (used instead of the shipped weights)"
                        : "shipped with Graft (" + ShippedWeights.ARTIFACT + "), sha256 checked on every load");
            }
            if (here) {
                putCheckpoint(info, file, model);
            } else if (shipped != null && step == null) {
                info.put("sha256", shipped.sha256().get(ResolvedWeights.WEIGHTS_FILE));
            }
        }
        if (cfg.provenance() != null) {
            Object notes = cfg.provenance().get("notes");
            if (notes != null) {
                info.put("notes", notes);
            }
            info.put("provenance", cfg.provenance());
        }
        if (Output.json()) {
            System.out.println(Json.MAPPER.writeValueAsString(info));
        } else {
            info.forEach((k, v) -> {
                if (v != null) {
                    System.out.printf("%-14s %s%n", k, v);
                }
            });
        }
        return 0;
    }

    /**
     * The weights' files and contents: sha256 (each shard's for a sharded checkpoint), bytes, tensor
     * count, dtypes and a key prefix loading strips. The same reader as loading, so a broken folder fails here too.
     */
    private static void putCheckpoint(Map<String, Object> info, Path file, GraftModel model) throws Exception {
        try (Checkpoint ck = Checkpoint.open(file)) {
            if (ck.sharded()) {
                Map<String, String> shards = new LinkedHashMap<>();
                for (Path shard : ck.shards()) {
                    shards.put(shard.getFileName().toString(), sha256(shard));
                }
                info.put("shards", shards);
            } else {
                info.put("sha256", sha256(file));
            }
            info.put("weights_bytes", ck.totalFileBytes());
            info.put("tensors", ck.names().size());
            Map<String, Integer> dtypes = new TreeMap<>();
            ck.tensors().values().forEach(t -> dtypes.merge(t.dtype().toString(), 1, Integer::sum));
            info.put("dtypes", dtypes);
            String prefix = Weights.strippablePrefix(ck.names(), model.stateDict().keySet());
            if (!prefix.isEmpty()) {
                info.put("key_prefix", prefix + " (on every key; stripped on load)");
            }
        }
    }

    /**
     * For {@code hf-hub:} online: the weights stay on the hub (config.json comes down, the headers with
     * ranged requests). Null offline, for other names, or when the hub cannot be reached (the cache
     * answers then, as for every hf-hub: source).
     */
    private static RemoteCheckpoint remoteCheckpoint(String name) {
        if (!name.startsWith(WeightsSources.HF_HUB) || HubConfig.fromEnvironment().offline()) {
            return null;
        }
        try {
            return new Hub().remoteCheckpoint(name);
        } catch (HubException e) {
            if (HubException.UNREACHABLE.equals(e.errorCode())) {
                return null; // not a transfer cut midway: that is reported, not answered with a full download
            }
            throw e;
        }
    }

    /** {@link #putCheckpoint} for weights left on the hub: what their headers and the hub's ETags say. */
    private static void putRemote(Map<String, Object> info, RemoteCheckpoint remote, GraftModel model) {
        info.put("weights", "on the hub, not downloaded (" + remote.repo() + " at " + remote.commit()
                + "; headers read with ranged requests)");
        if (remote.sharded()) {
            Map<String, String> shards = new LinkedHashMap<>();
            remote.files().forEach((f, size) -> shards.put(f, remote.sha256().getOrDefault(f, size + " bytes")));
            info.put("shards", shards);
        } else {
            info.put("sha256", remote.sha256().get(ResolvedWeights.WEIGHTS_FILE));
        }
        info.put("weights_bytes", remote.totalBytes());
        info.put("tensors", remote.tensors().size());
        Map<String, Integer> dtypes = new TreeMap<>();
        remote.tensors().values().forEach(t -> dtypes.merge(t.dtype().toString(), 1, Integer::sum));
        info.put("dtypes", dtypes);
        String prefix = Weights.strippablePrefix(List.copyOf(remote.tensors().keySet()), model.stateDict().keySet());
        if (!prefix.isEmpty()) {
            info.put("key_prefix", prefix + " (on every key; stripped on load)");
        }
    }

    static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
