package dev.graft.examples;

import ai.djl.ndarray.NDManager;
import dev.graft.adapt.AdaptOptions;
import dev.graft.adapt.AdaptationResult;
import dev.graft.adapt.DomainAdaptation;
import dev.graft.adapt.DomainPair;
import dev.graft.adapt.LeNet;
import dev.graft.data.ImageData;
import dev.graft.zoo.GraftModel;
import java.util.Locale;

/**
 * Unsupervised domain adaptation: a classifier trained on labelled source images learns to work on a
 * target domain whose labels it never sees. With {@code mnist} as the argument it adapts MNIST to
 * {@code mnist-m-style} as {@code docs/domain-adaptation.md} does (needs {@code graft data get mnist});
 * without, it adapts light-on-dark textures to dark-on-light ones in a few seconds.
 */
public final class AdaptDomains {
    private AdaptDomains() {}

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("mnist")) {
            mnistToMnistM();
            return;
        }
        ImageData source = ToyImages.textures("light", 16, 1, false);
        ImageData sourceEval = ToyImages.textures("light-eval", 8, 2, false);
        ImageData target = ToyImages.textures("dark", 16, 3, true);
        ImageData targetEval = ToyImages.textures("dark-eval", 8, 4, true);
        AdaptOptions options = AdaptOptions.defaults().withEpochs(2).withIterationsPerEpoch(5).withBatchSize(16).withSeed(7);
        for (String method : new String[] {"source-only", "dann"}) {
            DomainAdaptation.seed(7);                       // the same initial model for every method
            try (NDManager nd = NDManager.newBaseManager()) {
                AdaptationResult r = DomainAdaptation.method(method, options)
                        .withModel(LeNet.create(nd, 1, ToyImages.CLASSES.size()))
                        .withSource(source, sourceEval)
                        .withTarget(target, targetEval)         // the target's labels are only used to evaluate
                        .run();
                System.out.printf(Locale.ROOT, "%-12s source %.1f%%, target %.1f%%%n", method,
                        100 * r.sourceAccuracy(), 100 * r.targetAccuracy());
            }
        }
    }

    static void mnistToMnistM() {
        // example:begin mnist-m
        DomainAdaptation.seed(7);                                   // model and discriminator initialisation
        DomainPair pair = DomainPair.load("mnist", "mnist-m-style", 7, 10_000, 10_000, 0);
        try (NDManager nd = NDManager.newBaseManager()) {
            GraftModel model = LeNet.create(nd, pair.source().channels(), 10);
            AdaptationResult r = DomainAdaptation.method("cdan-e", AdaptOptions.defaults().withSeed(7))
                    .withModel(model)
                    .withSource(pair.source(), pair.sourceEval())
                    .withTarget(pair.target(), pair.targetEval())   // labels of pair.target() are never read
                    .run();
            System.out.println(r.targetAccuracy());
        }
        // example:end mnist-m
    }
}
