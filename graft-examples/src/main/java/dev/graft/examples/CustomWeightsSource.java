package dev.graft.examples;

import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.Weights;
import dev.graft.zoo.WeightsResolver;
import dev.graft.zoo.WeightsSources;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;

/**
 * A weights source of your own: a {@code mirror:} prefix that reads models from a folder of model
 * folders (a read-only copy of a hub, say), registered so that {@code Zoo.create("mirror:org/name")}
 * works like the built-in {@code file:}, {@code local-dir:} and {@code hf-hub:}. Usage:
 * {@code CustomWeightsSource [MIRROR_DIR]}.
 */
public final class CustomWeightsSource {
    private CustomWeightsSource() {}

    /** Serves {@code mirror:org/name} from the folder {@code org/name} under the {@code mirror.dir} system property. */
    // example:begin resolver
    public static final class MirrorResolver implements WeightsResolver {
        public String prefix() { return "mirror:"; }

        public ResolvedWeights resolve(String spec) {              // "org/name"
            Path dir = Path.of(System.getProperty("mirror.dir", "mirror")).resolve(spec);   // a folder of model folders
            return ResolvedWeights.ofDir(dir);                      // config.json + model.safetensors
        }
    }
    // example:end resolver

    public static void main(String[] args) {
        Path mirror = Examples.outDir(args, "mirror");
        System.setProperty("mirror.dir", mirror.toString());
        // a model in the mirror to create again
        Weights.save(Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true)), mirror.resolve("alice/small-cnn"));
        // example:begin register
        WeightsSources.register(new MirrorResolver());                  // or list it in
        // META-INF/services/dev.graft.zoo.WeightsResolver of the module that provides it
        GraftModel m = Zoo.create("mirror:alice/small-cnn");
        // example:end register
        System.out.println(m.name() + " from " + mirror.resolve("alice/small-cnn") + ": " + m.numClasses() + " classes");
    }
}
