package dev.graft.zoo;

import java.util.List;

/**
 * One ordered group of a model's parameters (stem, stage 1..n, head), named by PyTorch module
 * prefixes. Freezing and layer-wise learning-rate decay are written once against these groups.
 *
 * <pre>{@code
 * ParamGroup stem = new ParamGroup("stem", List.of("conv1", "bn1"));
 * stem.matches("bn1.running_mean");   // true
 * }</pre>
 *
 * @param name group name, e.g. {@code "stem"}, {@code "stage1"}, {@code "head"}
 * @param modulePrefixes PyTorch module names whose parameters belong to the group
 */
public record ParamGroup(String name, List<String> modulePrefixes) {
    public ParamGroup {
        modulePrefixes = List.copyOf(modulePrefixes);
    }

    /** Whether a state-dict key (e.g. {@code layer1.0.conv1.weight}) belongs to this group. */
    public boolean matches(String key) {
        for (String p : modulePrefixes) {
            if (key.equals(p) || key.startsWith(p + ".")) {
                return true;
            }
        }
        return false;
    }
}
