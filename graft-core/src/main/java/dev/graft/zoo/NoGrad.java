package dev.graft.zoo;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * A scope in which the PyTorch engine records no autograd graph (inference, weight loading),
 * restoring the previous mode on close. Grad mode is per thread in PyTorch.
 *
 * <pre>{@code
 * try (NoGrad g = NoGrad.enter()) {
 *     NDArray logits = model.forward(null, x, false);
 * }
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;
    private final boolean active;

    private NoGrad(boolean active, boolean previous) {
        this.active = active;
        this.previous = previous;
    }

    /** Enters no-grad mode on this thread (a no-op on engines other than PyTorch). */
    public static NoGrad enter() {
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return new NoGrad(false, false);
        }
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        return new NoGrad(true, prev);
    }

    @Override
    public void close() {
        if (active) {
            JniUtils.setGradMode(previous);
        }
    }
}
