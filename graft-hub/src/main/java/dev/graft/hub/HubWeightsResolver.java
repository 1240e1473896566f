package dev.graft.hub;

import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.WeightsResolver;
import dev.graft.zoo.WeightsSources;
import java.nio.file.Path;

/**
 * The zoo's {@code hf-hub:owner/name[@revision]} source: fetches config.json and the weights at one
 * commit with {@link Hub#snapshotModel(String)} (or serves them from the cache, offline too) and
 * hands the folder to the zoo; a repository holding an adapter ({@link #folderWith}) is handed over as
 * it is. Found by {@link java.util.ServiceLoader} whenever graft-hub is on
 * the class path.
 *
 * <pre>{@code
 * GraftModel m = Zoo.create("hf-hub:alice/mnist-resnet@v1.0");
 * GraftModel r = Zoo.create("small_resnet", CreateOptions.defaults().withSource("hf-hub:alice/mnist-resnet").withNumClasses(5));
 * }</pre>
 */
public final class HubWeightsResolver implements WeightsResolver {
    @Override
    public String prefix() {
        return WeightsSources.HF_HUB;
    }

    @Override
    public ResolvedWeights resolve(String spec) {
        Path dir = new Hub().snapshotModel(WeightsSources.HF_HUB + spec);
        ResolvedWeights local = ResolvedWeights.ofDir(dir);
        return new ResolvedWeights(local.weightsFile(), local.cfg(), WeightsSources.HF_HUB + spec + " (" + dir + ")");
    }

    /**
     * The repository's files ({@link Hub#MODEL_FILES}) at one commit when it holds {@code marker} (an
     * adapter's {@code adapter_config.json}: the zoo then loads the base it names, then the adapter); else null.
     */
    @Override
    public Path folderWith(String spec, String marker) {
        Path dir = new Hub().snapshotFiles(WeightsSources.HF_HUB + spec);
        return java.nio.file.Files.isRegularFile(dir.resolve(marker)) ? dir : null;
    }
}
