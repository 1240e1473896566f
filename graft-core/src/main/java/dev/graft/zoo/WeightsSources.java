package dev.graft.zoo;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The weights sources {@code Zoo.create} understands, by prefix: {@code file:} (a safetensors
 * file or a sharded checkpoint's index), {@code local-dir:} (a folder with config.json + model.safetensors,
 * or model.safetensors.index.json and its shards) and whatever other
 * modules register, such as {@code hf-hub:}.
 *
 * <pre>{@code
 * WeightsSources.register(new MyResolver());                  // e.g. prefix "s3:"
 * ResolvedWeights w = WeightsSources.resolve("local-dir:/models/mnist");
 * }</pre>
 */
public final class WeightsSources {
    /** Prefix of Hugging Face Hub sources; served by the hub client once it registers a resolver. */
    public static final String HF_HUB = "hf-hub:";
    public static final String FILE = "file:";
    public static final String LOCAL_DIR = "local-dir:";

    private static final Map<String, WeightsResolver> RESOLVERS = new LinkedHashMap<>();
    private static boolean discovered;

    private WeightsSources() {}

    /** Registers (or replaces) the resolver for its prefix. */
    public static synchronized void register(WeightsResolver resolver) {
        String p = resolver.prefix();
        if (p == null || !p.endsWith(":") || p.length() < 3) {
            throw new GraftException("weights resolver prefix '" + p + "' is invalid", "use a word followed by a colon, e.g. \"hf-hub:\"");
        }
        RESOLVERS.put(p, resolver);
    }

    /** Whether {@code source} starts with a known prefix (built-in, registered or {@code hf-hub:}). */
    public static synchronized boolean hasPrefix(String source) {
        discover();
        if (source.startsWith(HF_HUB)) {
            return true;
        }
        return RESOLVERS.keySet().stream().anyMatch(source::startsWith);
    }

    /**
     * The folder a prefixed source names, on this machine, when it holds {@code marker} (see
     * {@link WeightsResolver#folderWith}); null for other sources and names without a prefix.
     */
    public static Path folderWith(String source, String marker) {
        WeightsResolver r = resolverOf(source);
        return r == null ? null : r.folderWith(source.substring(r.prefix().length()), marker);
    }

    private static synchronized WeightsResolver resolverOf(String source) {
        discover();
        return RESOLVERS.entrySet().stream().filter(e -> source.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }

    /** Resolves a prefixed source to files on this machine. */
    public static ResolvedWeights resolve(String source) {
        WeightsResolver r = resolverOf(source);
        if (r == null) {
            if (source.startsWith(HF_HUB)) {
                throw new GraftException("hf-hub sources need the hub client, which is not on the class path",
                        "download the repository into a folder and use local-dir:FOLDER, or add graft-hub to the class path");
            }
            throw new GraftException("unknown weights source '" + source + "'",
                    "use a catalogue tag, file:W.safetensors, local-dir:FOLDER or hf-hub:org/name[@revision]");
        }
        return r.resolve(source.substring(r.prefix().length()));
    }

    private static void discover() {
        if (discovered) {
            return;
        }
        discovered = true;
        RESOLVERS.putIfAbsent(FILE, new BuiltIn(FILE, WeightsSources::resolveFile, false));
        RESOLVERS.putIfAbsent(LOCAL_DIR, new BuiltIn(LOCAL_DIR, spec -> ResolvedWeights.ofDir(Path.of(spec)), true));
        for (WeightsResolver r : ServiceLoader.load(WeightsResolver.class)) {
            RESOLVERS.putIfAbsent(r.prefix(), r);
        }
    }

    /** {@code file:PATH}: one safetensors file, or the index of a sharded checkpoint. */
    private static ResolvedWeights resolveFile(String spec) {
        Path p = Path.of(spec);
        if (!Files.isRegularFile(p)) {
            throw new GraftException("weights file " + spec + " does not exist", "check the path after file:");
        }
        if (ResolvedWeights.isPickle(p)) {
            ResolvedWeights.refusePickle(p);
        }
        // A config.json next to the file is used when present (a model folder given by its file).
        Path cfg = p.resolveSibling(ResolvedWeights.CONFIG_FILE);
        String fileName = p.getFileName().toString();
        boolean folderFile = fileName.equals(ResolvedWeights.WEIGHTS_FILE) || fileName.equals(ResolvedWeights.INDEX_FILE);
        return new ResolvedWeights(p, Files.isRegularFile(cfg) && folderFile
                ? dev.graft.zoo.PretrainedCfg.read(cfg) : null, FILE + spec);
    }

    /** A resolver built into the zoo: its prefix, what it makes of the rest of a source, and whether that rest is a folder. */
    private record BuiltIn(String prefix, Function<String, ResolvedWeights> resolver, boolean folder) implements WeightsResolver {
        @Override
        public ResolvedWeights resolve(String spec) {
            return resolver.apply(spec);
        }

        @Override
        public Path folderWith(String spec, String marker) {
            return folder && Files.isRegularFile(Path.of(spec).resolve(marker)) ? Path.of(spec) : null;
        }
    }
}
