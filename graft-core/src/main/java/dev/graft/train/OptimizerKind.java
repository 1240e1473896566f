package dev.graft.train;

import dev.graft.GraftException;
import java.util.Locale;

/** The optimizers the training loop offers. */
public enum OptimizerKind {
    /** SGD with (heavy-ball) momentum, weight decay coupled to the gradient as in PyTorch's SGD. */
    SGD,
    /** Adam with decoupled weight decay (Loshchilov and Hutter), as PyTorch's AdamW. */
    ADAMW;

    public static OptimizerKind parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new GraftException("unknown optimizer '" + s + "'", "use sgd or adamw");
        }
    }
}
