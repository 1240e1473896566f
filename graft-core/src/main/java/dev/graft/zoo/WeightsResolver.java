package dev.graft.zoo;

/**
 * Turns a weights source with a prefix ({@code hf-hub:org/name@rev}, {@code file:...}) into files on
 * this machine. Resolvers are registered with {@link WeightsSources#register} or discovered with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.graft.zoo.WeightsResolver} file
 * in any module on the class path), so another module can add a prefix without touching the zoo.
 *
 * <pre>{@code
 * public final class HubResolver implements WeightsResolver {     // graft-hub's HubWeightsResolver
 *     public String prefix() { return "hf-hub:"; }
 *     public ResolvedWeights resolve(String spec) {              // spec = "org/name@rev"
 *         Path dir = new Hub().snapshotModel("hf-hub:" + spec);   // downloads, or serves from the cache
 *         return ResolvedWeights.ofDir(dir);
 *     }
 * }
 * }</pre>
 */
public interface WeightsResolver {
    /** The prefix this resolver handles, including the colon, e.g. {@code "hf-hub:"}. */
    String prefix();

    /** Resolves the part after the prefix; a {@link dev.graft.GraftException} when it cannot. */
    ResolvedWeights resolve(String spec);

    /**
     * For a source that names a folder of files ({@code local-dir:}, {@code hf-hub:}): that folder on
     * this machine, complete, when it holds {@code marker}; null when it does not, or when the source is
     * no folder (the default). The zoo asks this for {@link AdapterLoader}s before it resolves weights.
     */
    default java.nio.file.Path folderWith(String spec, String marker) {
        return null;
    }
}
