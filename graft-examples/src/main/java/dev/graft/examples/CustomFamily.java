package dev.graft.examples;

import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelFamily;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.small.SmallCnn;
import java.util.List;

/**
 * A model family of your own in the catalogue, as timm's {@code @register_model}: {@link TinyNets}
 * registers {@code tiny_cnn} and is listed in this module's
 * {@code META-INF/services/dev.graft.zoo.ModelFamily}, so the zoo finds it on the class path with no
 * call at all; {@code Zoo.list("tiny_*")} and {@code Zoo.create("tiny_cnn", ...)} then work like the
 * built-in names. Usage: {@code CustomFamily}.
 */
public final class CustomFamily {
    private CustomFamily() {}

    /** One architecture: the small CNN's layers for 1x28x28 inputs under its own name and defaults. */
    // example:begin family
    public static final class TinyNets implements ModelFamily {
        public void register() {
            PretrainedCfg cfg = new PretrainedCfg("tiny_cnn", null, 10, 128, null, List.of(1, 28, 28), "bilinear", 1.0,
                    List.of(0.5), List.of(0.5), "stem.conv", "fc", null, null, null);
            Zoo.register("tiny_cnn", "tiny", cfg, SmallCnn::new);   // an ArchitectureFactory
        }
    }
    // META-INF/services/dev.graft.zoo.ModelFamily:  dev.graft.examples.CustomFamily$TinyNets
    // example:end family

    public static void main(String[] args) {
        // example:begin use
        List<String> names = Zoo.list("tiny_*");                      // [tiny_cnn]
        GraftModel m = Zoo.create("tiny_cnn", CreateOptions.defaults().withNumClasses(3).withSeed(1));
        // example:end use
        System.out.println(names + ": " + m.name() + ", " + m.numClasses() + " classes");
    }
}
