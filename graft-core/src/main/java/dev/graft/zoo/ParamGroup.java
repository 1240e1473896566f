package dev.graft.zoo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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

    /**
     * The groups of a model built as a stem, {@code n} repeated stages and a head, in that order
     * (the order freezing and layer-wise decay count by): {@code stage} makes the group of stage
     * 0..n-1.
     */
    public static List<ParamGroup> stemStagesHead(ParamGroup stem, int n, IntFunction<ParamGroup> stage, ParamGroup head) {
        List<ParamGroup> groups = new ArrayList<>(n + 2);
        groups.add(stem);
        for (int i = 0; i < n; i++) {
            groups.add(stage.apply(i));
        }
        groups.add(head);
        return groups;
    }
}
