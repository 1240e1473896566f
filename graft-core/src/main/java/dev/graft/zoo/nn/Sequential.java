package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.nn.Sequential}: children named {@code "0"}, {@code "1"}, ... applied in order.
 *
 * <pre>{@code
 * Sequential downsample = new Sequential().add(conv).add(bn);   // keys downsample.0.weight, downsample.1.running_mean
 * }</pre>
 */
public final class Sequential extends Module {
    private final List<Module> items = new ArrayList<>();

    /** Appends a module under the next index. */
    public Sequential add(Module m) {
        module(Integer.toString(items.size()), m);
        items.add(m);
        return this;
    }

    public List<Module> items() {
        return List.copyOf(items);
    }

    public int size() {
        return items.size();
    }

    public Module get(int i) {
        return items.get(i);
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        NDArray y = x;
        for (Module m : items) {
            y = m.forward(ps, y, training);
        }
        return y;
    }

    /**
     * Applies {@code modules} in order and closes each intermediate output as soon as the next module
     * has read it, and {@code x} too when {@code closeInput}: a deep stack frees its activations as it
     * goes (inference and feature extraction, where nothing needs them afterwards).
     */
    public static NDArray applyClosing(ParameterStore ps, Iterable<? extends Module> modules, NDArray x, boolean training,
                                       boolean closeInput) {
        NDArray y = x;
        for (Module m : modules) {
            NDArray next = m.forward(ps, y, training);
            if (y != x || closeInput) {
                y.close();
            }
            y = next;
        }
        return y;
    }
}
