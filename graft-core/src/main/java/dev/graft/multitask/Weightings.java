package dev.graft.multitask;

import dev.graft.GraftException;
import java.util.List;

/**
 * Creates weighting strategies by the names the CLI uses.
 *
 * <pre>{@code
 * Weighting w = Weightings.create("dwa", 42);
 * Weightings.names();   // [ew, uw, dwa, gradnorm, pcgrad]
 * }</pre>
 */
public final class Weightings {
    private Weightings() {}

    /** The known names, in the order the docs list them. */
    public static List<String> names() {
        return List.of("ew", "uw", "dwa", "gradnorm", "pcgrad");
    }

    /** A fresh strategy with its default settings; {@code seed} drives any randomness it has. */
    public static Weighting create(String name, long seed) {
        return switch (name == null ? "" : name.toLowerCase(java.util.Locale.ROOT)) {
            case "ew", "equal" -> new EqualWeighting();
            case "uw", "uncertainty" -> new UncertaintyWeighting();
            case "dwa" -> new DynamicWeightAverage();
            case "gradnorm" -> new GradNorm();
            case "pcgrad" -> new PCGrad(seed);
            default -> throw new GraftException("unknown weighting '" + name + "'", "use one of " + String.join(", ", names()));
        };
    }
}
