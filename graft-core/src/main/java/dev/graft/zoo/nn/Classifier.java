package dev.graft.zoo.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;

/**
 * A model's final {@code Linear} that can be replaced in place ({@code resetClassifier}): with
 * zero outputs it is the identity and holds no parameters, as timm's reset to {@code num_classes=0}.
 *
 * <pre>{@code
 * Classifier fc = new Classifier(512, 1000, Init.defaultWeight(), true);
 * fc.reset(10, manager);   // new, freshly initialised 10-way weight and bias
 * }</pre>
 */
public final class Classifier extends Module {
    public final int inFeatures;
    private final Initializer weightInit;
    private final boolean zeroBias;
    private final boolean hasBias;
    private int outFeatures;
    private Parameter weight;
    private Parameter bias;

    /**
     * @param zeroBias zero bias (timm ViT) instead of PyTorch's uniform default
     */
    public Classifier(int in, int out, Initializer weightInit, boolean zeroBias) {
        this(in, out, weightInit, zeroBias, true);
    }

    private Classifier(int in, int out, Initializer weightInit, boolean zeroBias, boolean hasBias) {
        this.inFeatures = in;
        this.weightInit = weightInit;
        this.zeroBias = zeroBias;
        this.hasBias = hasBias;
        create(out);
    }

    /** A head with a weight only (transformers' GPT-2 {@code score}: {@code nn.Linear(..., bias=False)}). */
    public static Classifier withoutBias(int in, int out, Initializer weightInit) {
        return new Classifier(in, out, weightInit, true, false);
    }

    private void create(int out) {
        outFeatures = out;
        if (out > 0) {
            weight = param("weight", Parameter.Type.WEIGHT, new Shape(out, inFeatures), weightInit);
            bias = hasBias ? param("bias", Parameter.Type.BIAS, new Shape(out), zeroBias ? Init.ZEROS : Init.uniformFanIn(inFeatures)) : null;
        } else {
            weight = null;
            bias = null;
        }
    }

    /** Number of outputs (0 = identity). */
    public int outFeatures() {
        return outFeatures;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    /** Drops the old weights and creates {@code out} new outputs, initialised in {@code manager} when given. */
    public void reset(int out, NDManager manager) {
        if (weight != null) {
            weight.close();
            if (bias != null) {
                bias.close();
            }
        }
        dropParam("weight");
        dropParam("bias");
        create(out);
        if (manager != null && weight != null) {
            weight.initialize(manager, DataType.FLOAT32);
            if (bias != null) {
                bias.initialize(manager, DataType.FLOAT32);
            }
        }
    }

    @Override
    public NDArray forward(ParameterStore ps, NDArray x, boolean training) {
        if (weight == null) {
            return x;
        }
        NDArray w = value(ps, weight, x, training);
        NDArray b = bias == null ? null : value(ps, bias, x, training);
        return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
    }
}
