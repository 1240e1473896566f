package dev.graft.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import org.junit.jupiter.api.Test;

class ProxyADistanceTest {
    @Test
    void separableDomainsAreFarAndADomainIsCloseToItself() {
        Engines.pytorch();
        DomainAdaptation.seed(3);
        try (NDManager nd = NDManager.newBaseManager()) {
            LeNet model = LeNet.create(nd, 1, 3);
            ImageData clean = AdaptationLoopTest.bars("clean", 60, false, 1);
            ImageData noisy = AdaptationLoopTest.bars("noisy", 60, true, 2);
            ImageData cleanToo = AdaptationLoopTest.bars("clean-too", 60, false, 3);
            ProxyADistance.Result far = ProxyADistance.measure(model, clean, noisy, 60, 5);
            ProxyADistance.Result near = ProxyADistance.measure(model, clean, cleanToo, 60, 5);
            assertEquals(60, far.perDomain());
            assertTrue(far.distance() > 1.8, "grey noisy background vs black is separable: " + far);
            assertTrue(near.distance() < far.distance() - 0.5, "same generator is closer: " + near + " vs " + far);
            assertEquals(Math.max(0, 2 * (1 - 2 * far.error())), far.distance(), 1e-9);
        }
    }
}
