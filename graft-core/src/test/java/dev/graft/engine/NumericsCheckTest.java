package dev.graft.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The engine's convolutions against the double-precision reference, and the reference against finite differences. */
@Tag("numerics")
class NumericsCheckTest {

    @Test
    void engineConvolutionsMatchTheReferenceOnThisCpu() {
        NumericsCheck.Report r = NumericsCheck.run();
        assertEquals(NumericsCheck.cases().size() + NumericsCheck.geluShapes().size(), r.results().size());
        // On a CPU whose kernels are wrong this fails with the table: that is the point of the test.
        assertTrue(r.ok(), () -> "ONEDNN_MAX_CPU_ISA=" + EngineNumerics.isaSetting() + "\n" + r.table());
        assertTrue(r.worst() > 0, "float32 kernels differ from double by rounding: a zero error means nothing was compared");
    }

    @Test
    void referenceGradientsAreTheDerivativesOfTheReferenceOutput() {
        Random rnd = new Random(7);
        for (NumericsCheck.Case c : new NumericsCheck.Case[] {
                new NumericsCheck.Case("a", 2, 3, 6, 5, 4, 3, 2, 1), new NumericsCheck.Case("b", 1, 2, 5, 5, 3, 1, 1, 0)}) {
            float[] x = gaussian(rnd, c.n() * c.c() * c.h() * c.w());
            float[] w = gaussian(rnd, c.oc() * c.c() * c.k() * c.k());
            float[] b = gaussian(rnd, c.oc());
            float[] g = gaussian(rnd, c.n() * c.oc() * c.oh() * c.ow());
            double[][] ref = NumericsCheck.reference(c, x, w, b, g);
            // loss = sum(y * g) is linear in each argument, so a difference quotient is exact up to rounding.
            for (int which = 0; which < 3; which++) {
                float[] p = which == 0 ? x : which == 1 ? w : b;
                for (int i = 0; i < p.length; i += Math.max(1, p.length / 7)) {
                    float keep = p[i];
                    p[i] = keep + 0.5f;
                    double up = loss(NumericsCheck.reference(c, x, w, b, g)[0], g);
                    p[i] = keep - 0.5f;
                    double down = loss(NumericsCheck.reference(c, x, w, b, g)[0], g);
                    double step = (double) (keep + 0.5f) - (double) (keep - 0.5f);   // 1 up to float rounding
                    p[i] = keep;
                    assertEquals((up - down) / step, ref[which + 1][i], 1e-9, c.name() + " argument " + which + " element " + i);
                }
            }
        }
    }

    @Test
    void erfMatchesKnownValues() {
        // erf(0.5), erf(1), erf(2), erf(3.5) to 15 digits (Abramowitz and Stegun, table 7.1)
        assertEquals(0.520499877813047, NumericsCheck.erf(0.5), 1e-14);
        assertEquals(0.842700792949715, NumericsCheck.erf(1), 1e-14);
        assertEquals(-0.995322265018953, NumericsCheck.erf(-2), 1e-14);
        assertEquals(0.999999256901628, NumericsCheck.erf(3.5), 1e-14);
        assertEquals(0.0, NumericsCheck.erf(0), 0);
    }

    @Test
    void relativeErrorSeesNaNAndScale() {
        assertEquals(0.5, NumericsCheck.relError(new float[] {1, 3}, new double[] {1, 2}, 1), 1e-12);
        assertEquals(0.0, NumericsCheck.relError(new float[] {2, 4}, new double[] {1, 2}, 2), 1e-12);
        assertEquals(Double.POSITIVE_INFINITY, NumericsCheck.relError(new float[] {Float.NaN}, new double[] {1}, 1));
    }

    @Test
    void verdictIsCachedPerSettings() {
        EngineNumerics.Verdict v = EngineNumerics.verdict();
        assertTrue(v.ok());
        assertNotNull(EngineNumerics.cachedVerdict());
        assertEquals(EngineNumerics.signature(), EngineNumerics.signature());
    }

    private static double loss(double[] y, float[] g) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * g[i];
        }
        return s;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }
}
