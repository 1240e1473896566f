package dev.graft.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.engine.Scalars;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * CDAN and CDAN+E (Long et al., 2018): the domain discriminator sees the multilinear map
 * {@code f (x) g} of the features f and the class probabilities g = softmax(logits), so it aligns
 * class-conditional rather than marginal distributions. When {@code F * K} exceeds
 * {@link #RANDOMIZE_ABOVE}, the randomized map {@code (f R_f) * (g R_g) / sqrt(d)} with fixed Gaussian
 * R_f, R_g of width {@code d} stands in for it, as in the paper. With entropy conditioning (CDAN+E)
 * each sample's discriminator loss is weighted by {@code 1 + exp(-H(g))}, normalised to mean 1, so
 * confident predictions count more. g is not back-propagated through, as in TLlib. The reversal
 * coefficient and the loss on logits are DANN's ({@link DannLoss}).
 *
 * <pre>{@code
 * TransferLoss cdanE = new CdanLoss(1024, true);
 * NDArray h = CdanLoss.multilinearMap(f, g);   // N x (K * F)
 * }</pre>
 */
public final class CdanLoss implements TransferLoss {
    /** Above this many outer-product entries the randomized multilinear map is used. */
    public static final int RANDOMIZE_ABOVE = 4096;
    /** Width of the randomized map. */
    public static final int RANDOMIZED_DIM = 1024;

    private final int hidden;
    private final boolean entropyConditioning;
    private DomainDiscriminator discriminator;
    private NDArray randomF;
    private NDArray randomG;
    private double lastAccuracy;
    private double lastLambda;

    /**
     * @param hidden width of the discriminator's hidden layers
     * @param entropyConditioning true for CDAN+E
     */
    public CdanLoss(int hidden, boolean entropyConditioning) {
        this.hidden = hidden;
        this.entropyConditioning = entropyConditioning;
    }

    @Override
    public void initialize(NDManager manager, int featureDim, int numClasses, long seed) {
        int inFeatures = featureDim * numClasses;
        if ((long) featureDim * numClasses > RANDOMIZE_ABOVE) {
            SplittableRandom rng = new SplittableRandom(seed ^ 0x6364616EL);
            randomF = gaussian(manager, rng, featureDim, RANDOMIZED_DIM);
            randomG = gaussian(manager, rng, numClasses, RANDOMIZED_DIM);
            inFeatures = RANDOMIZED_DIM;
        }
        discriminator = new DomainDiscriminator(manager, inFeatures, hidden);
    }

    private static NDArray gaussian(NDManager nd, SplittableRandom rng, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            // Box-Muller from the seeded generator keeps the map identical across runs and engines.
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
        }
        return nd.create(v, new Shape(rows, cols));
    }

    @Override
    public List<Parameter> parameters() {
        return discriminator.parameters();
    }

    /** Whether the randomized map is in use (after {@link #initialize}). */
    public boolean randomized() {
        return randomF != null;
    }

    @Override
    public NDArray loss(ParameterStore ps, DomainBatch batch, long step) {
        lastLambda = GradientReversal.warmStart(step);
        double lambda = lastLambda;
        NDArray f = NDArrays.concat(new NDList(batch.sourceFeatures(), batch.targetFeatures()), 0);
        NDArray g = NDArrays.concat(new NDList(batch.sourceLogits(), batch.targetLogits()), 0).softmax(1).stopGradient();
        NDArray h = randomized() ? randomizedMap(GradientReversal.apply(f, lambda), g, randomF, randomG)
                : multilinearMap(GradientReversal.apply(f, lambda), g);
        NDArray z = discriminator.forward(ps, h, true);
        int ns = (int) batch.sourceFeatures().getShape().get(0);
        int nt = (int) batch.targetFeatures().getShape().get(0);
        NDArray labels = DannLoss.domainLabels(f.getManager(), ns, nt);
        lastAccuracy = DomainDiscriminator.accuracy(z, labels);
        NDArray perSample = DomainDiscriminator.bceWithLogits(z, labels);
        if (entropyConditioning) {
            perSample = perSample.mul(entropyWeights(g).reshape(-1, 1));
        }
        return DannLoss.halfAndHalf(perSample, ns, nt);
    }

    @Override
    public Map<String, Double> lastMetrics() {
        return Map.of("domain_acc", lastAccuracy, "grl_lambda", lastLambda);
    }

    /** The outer product of each row: {@code h[n, k * F + j] = g[n, k] * f[n, j]}, N x (K * F). */
    public static NDArray multilinearMap(NDArray f, NDArray g) {
        long n = f.getShape().get(0);
        return g.expandDims(2).mul(f.expandDims(1)).reshape(n, -1);
    }

    /** {@code (f R_f) * (g R_g) / sqrt(d)}, N x d. */
    public static NDArray randomizedMap(NDArray f, NDArray g, NDArray randomF, NDArray randomG) {
        float d = randomF.getShape().get(1);
        return Scalars.div(f.matMul(randomF).mul(g.matMul(randomG)), Math.sqrt(d));
    }

    /** CDAN+E weights {@code 1 + exp(-H(g))} normalised to mean 1, from probabilities g (N x K); no gradient. */
    public static NDArray entropyWeights(NDArray g) {
        NDArray p = g.stopGradient();
        NDArray entropy = p.mul(p.add(1e-5f).log()).sum(new int[] {1}).neg();
        NDArray w = entropy.neg().exp().add(1f);
        return Scalars.mul(w.div(w.sum()), p.getShape().get(0));
    }
}
