package dev.graft.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LbfgsTest {
    /** Rosenbrock's banana valley: minimum 0 at (1, 1). */
    static final Lbfgs.Objective ROSENBROCK = (x, g) -> {
        double a = 1 - x[0];
        double b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
    };

    @Test
    void findsTheRosenbrockMinimum() {
        Lbfgs.Result r = new Lbfgs().withGradientTolerance(1e-9).minimize(ROSENBROCK, new double[] {-1.2, 1});
        assertEquals(Lbfgs.Stop.GRADIENT, r.stop(), "converged on the gradient test");
        assertEquals(1, r.x()[0], 1e-6);
        assertEquals(1, r.x()[1], 1e-6);
        assertEquals(0, r.value(), 1e-12);
        assertTrue(r.iterations() < 100, "quasi-Newton speed: " + r.iterations() + " iterations");
    }

    @Test
    void solvesAnIllConditionedQuadratic() {
        // f = 1/2 x'Ax - b'x with A = diag(1, 10, 100, 1000) + a coupling; minimiser A^-1 b
        double[][] a = {{1, 0.5, 0, 0}, {0.5, 10, 0, 0}, {0, 0, 100, 3}, {0, 0, 3, 1000}};
        double[] b = {1, -2, 3, 4};
        Lbfgs.Objective f = (x, g) -> {
            double v = 0;
            for (int i = 0; i < 4; i++) {
                double ax = 0;
                for (int j = 0; j < 4; j++) {
                    ax += a[i][j] * x[j];
                }
                g[i] = ax - b[i];
                v += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return v;
        };
        Lbfgs.Result r = new Lbfgs().withGradientTolerance(1e-7).withFunctionTolerance(0).minimize(f, new double[4]);
        assertEquals(Lbfgs.Stop.GRADIENT, r.stop());
        // A x = b solved by hand: the two 2x2 blocks
        double det1 = 1 * 10 - 0.25;
        double det2 = 100 * 1000 - 9;
        double[] want = {(10 * 1 - 0.5 * -2) / det1, (1 * -2 - 0.5 * 1) / det1, (1000 * 3 - 3 * 4) / det2, (100 * 4 - 3 * 3) / det2};
        for (int i = 0; i < 4; i++) {
            assertEquals(want[i], r.x()[i], 2e-7, "x" + i);   // |error| <= |gradient| / smallest eigenvalue (~0.97)
        }
    }

    @Test
    void lineSearchStepsSatisfyTheStrongWolfeConditions() {
        double[] x = {-1.2, 1};
        double[] g = new double[2];
        double f0 = ROSENBROCK.valueAndGradient(x, g);
        double[] p = {-g[0], -g[1]};
        double slope = Lbfgs.dot(g, p);
        // far too long a first trial (zoom), far too short (extrapolation), and a reasonable one
        for (double step0 : new double[] {1.0, 1e-7, 1e-3}) {
            Lbfgs.Point pt = Lbfgs.lineSearch(ROSENBROCK, x, f0, g, p, slope, step0);
            assertTrue(pt.step > 0, "a step was found from " + step0);
            assertTrue(pt.f <= f0 + Lbfgs.C1 * pt.step * slope, "sufficient decrease from " + step0);
            assertTrue(Math.abs(pt.slope) <= -Lbfgs.C2 * slope, "curvature from " + step0 + ": " + pt.slope + " vs " + slope);
            double[] gAt = new double[2];
            double fAt = ROSENBROCK.valueAndGradient(new double[] {x[0] + pt.step * p[0], x[1] + pt.step * p[1]}, gAt);
            assertEquals(fAt, pt.f, 1e-12, "the point returned is the point evaluated");
            assertEquals(Lbfgs.dot(gAt, p), pt.slope, 1e-9);
        }
    }

    @Test
    void stopsOnRequestAndAtTheIterationLimit() {
        assertEquals(Lbfgs.Stop.INTERRUPTED, new Lbfgs().withStopWhen(() -> true).minimize(ROSENBROCK, new double[] {-1.2, 1}).stop());
        Lbfgs.Result r = new Lbfgs().withMaxIterations(3).minimize(ROSENBROCK, new double[] {-1.2, 1});
        assertEquals(Lbfgs.Stop.ITERATIONS, r.stop());
        assertEquals(3, r.iterations());
    }
}
