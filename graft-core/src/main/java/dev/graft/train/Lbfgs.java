package dev.graft.train;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.function.BooleanSupplier;

/**
 * Limited-memory BFGS for smooth unconstrained minimisation in double precision (Nocedal and Wright,
 * <i>Numerical Optimization</i>, 2nd ed., Algorithms 7.4 and 7.5), with a line search that returns a
 * step satisfying the strong Wolfe conditions (Algorithms 3.5 and 3.6, cubic interpolation). It is
 * what {@link LinearProbe} fits the {@code head} classifier with, as scikit-learn's and CLIP's
 * logistic-regression probes do. Its settings are immutable: each {@code withX} returns a copy.
 *
 * <pre>{@code
 * Lbfgs.Result r = new Lbfgs().minimize((x, g) -> {          // f(x) = (x0 - 3)^2, writes the gradient into g
 *     g[0] = 2 * (x[0] - 3);
 *     return (x[0] - 3) * (x[0] - 3);
 * }, new double[] {0});
 * }</pre>
 */
public record Lbfgs(int memory, int maxIterations, double gradientTolerance, double functionTolerance, BooleanSupplier stopWhen) {

    /** A function and its gradient. */
    @FunctionalInterface
    public interface Objective {
        /** Returns f(x) and writes the gradient at {@code x} into {@code grad} (same length as {@code x}). */
        double valueAndGradient(double[] x, double[] grad);
    }

    /**
     * Why the minimisation ended.
     */
    public enum Stop {
        /** The largest absolute gradient component fell to the tolerance. */
        GRADIENT,
        /** An iteration lowered f by less than the relative tolerance. */
        FUNCTION,
        /** The iteration limit was reached. */
        ITERATIONS,
        /** No step satisfying the Wolfe conditions was found, even along the steepest descent (rounding floor). */
        LINE_SEARCH,
        /** The caller asked to stop. */
        INTERRUPTED
    }

    /**
     * The minimiser found.
     *
     * @param x the last iterate
     * @param value f(x)
     * @param gradient the gradient at x
     * @param iterations accepted steps
     * @param evaluations function evaluations
     * @param stop why it ended
     */
    public record Result(double[] x, double value, double[] gradient, int iterations, int evaluations, Stop stop) {
        /** Whether a convergence test (gradient or function decrease) ended the run. */
        public boolean converged() {
            return stop == Stop.GRADIENT || stop == Stop.FUNCTION;
        }

        /** The largest absolute gradient component at the result. */
        public double gradientMax() {
            return maxAbs(gradient);
        }
    }

    /** Sufficient-decrease constant of the Wolfe conditions. */
    static final double C1 = 1e-4;
    /** Curvature constant of the (strong) Wolfe conditions; 0.9 is the usual choice for quasi-Newton methods. */
    static final double C2 = 0.9;
    private static final int MAX_LINE_SEARCH = 40;

    public Lbfgs {
        memory = Math.max(1, memory);
        maxIterations = Math.max(0, maxIterations);
    }

    /** The defaults: 10 correction pairs, 1000 iterations, gradient tolerance 1e-6, function tolerance 1e-12. */
    public Lbfgs() {
        this(10, 1000, 1e-6, 1e-12, () -> false);
    }

    /** Correction pairs kept (default 10). */
    public Lbfgs withMemory(int m) { return new Lbfgs(m, maxIterations, gradientTolerance, functionTolerance, stopWhen); }

    /** Most iterations (default 1000). */
    public Lbfgs withMaxIterations(int n) { return new Lbfgs(memory, n, gradientTolerance, functionTolerance, stopWhen); }

    /** Converged when max |gradient| is at most this (default 1e-6). */
    public Lbfgs withGradientTolerance(double t) { return new Lbfgs(memory, maxIterations, t, functionTolerance, stopWhen); }

    /** Converged when an iteration lowers f by at most this times max(|f|, 1) (default 1e-12). */
    public Lbfgs withFunctionTolerance(double t) { return new Lbfgs(memory, maxIterations, gradientTolerance, t, stopWhen); }

    /** Polled once per iteration; true ends the run with {@link Stop#INTERRUPTED}. */
    public Lbfgs withStopWhen(BooleanSupplier s) { return new Lbfgs(memory, maxIterations, gradientTolerance, functionTolerance, s); }

    /** Minimises {@code f} from {@code x0} (not modified). */
    public Result minimize(Objective f, double[] x0) {
        int n = x0.length;
        double[] x = x0.clone();
        double[] g = new double[n];
        double fx = f.valueAndGradient(x, g);
        int evaluations = 1;
        Deque<double[][]> pairs = new ArrayDeque<>();   // {s, y, {rho}}, newest last
        int iter = 0;
        while (true) {
            if (maxAbs(g) <= gradientTolerance) {
                return new Result(x, fx, g, iter, evaluations, Stop.GRADIENT);
            }
            if (iter >= maxIterations) {
                return new Result(x, fx, g, iter, evaluations, Stop.ITERATIONS);
            }
            if (stopWhen.getAsBoolean()) {
                return new Result(x, fx, g, iter, evaluations, Stop.INTERRUPTED);
            }
            double[] p = direction(g, pairs);
            double slope = dot(g, p);
            if (!(slope < 0)) {
                // rounding can make the quasi-Newton direction uphill: start the memory afresh
                pairs.clear();
                p = negate(g);
                slope = dot(g, p);
            }
            // without curvature information the first trial step moves x by at most 1 in the 2-norm
            double step0 = pairs.isEmpty() ? Math.min(1.0, 1.0 / Math.sqrt(dot(g, g))) : 1.0;
            Point next = lineSearch(f, x, fx, g, p, slope, step0);
            evaluations += next.evaluations;
            if (next.step == 0 && !pairs.isEmpty()) {
                pairs.clear();
                p = negate(g);
                slope = dot(g, p);
                next = lineSearch(f, x, fx, g, p, slope, Math.min(1.0, 1.0 / Math.sqrt(dot(g, g))));
                evaluations += next.evaluations;
            }
            if (next.step == 0) {
                return new Result(x, fx, g, iter, evaluations, Stop.LINE_SEARCH);
            }
            iter++;
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = next.x[i] - x[i];
                y[i] = next.g[i] - g[i];
            }
            double sy = dot(s, y);
            // the strong Wolfe curvature condition makes s.y > 0 in exact arithmetic; skip pairs rounding spoiled
            if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
                if (pairs.size() == memory) {
                    pairs.removeFirst();
                }
                pairs.addLast(new double[][] {s, y, {1.0 / sy}});
            }
            double decrease = fx - next.f;
            x = next.x;
            g = next.g;
            fx = next.f;
            if (decrease <= functionTolerance * Math.max(1.0, Math.abs(fx))) {
                return new Result(x, fx, g, iter, evaluations, maxAbs(g) <= gradientTolerance ? Stop.GRADIENT : Stop.FUNCTION);
            }
        }
    }

    /** The two-loop recursion: -H g with H the L-BFGS inverse-Hessian estimate, H0 = (s.y / y.y) I. */
    static double[] direction(double[] g, Deque<double[][]> pairs) {
        double[] q = g.clone();
        double[] alpha = new double[pairs.size()];
        int k = pairs.size() - 1;
        for (Iterator<double[][]> it = pairs.descendingIterator(); it.hasNext(); k--) {
            double[][] pr = it.next();
            alpha[k] = pr[2][0] * dot(pr[0], q);
            axpy(-alpha[k], pr[1], q);
        }
        if (!pairs.isEmpty()) {
            double[][] last = pairs.getLast();
            double gamma = dot(last[0], last[1]) / dot(last[1], last[1]);
            for (int i = 0; i < q.length; i++) {
                q[i] *= gamma;
            }
        }
        k = 0;
        for (double[][] pr : pairs) {
            double beta = pr[2][0] * dot(pr[1], q);
            axpy(alpha[k] - beta, pr[0], q);
            k++;
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = -q[i];
        }
        return q;
    }

    /** A trial point of the line search. */
    static final class Point {
        final double step;
        final double[] x;
        final double f;
        final double[] g;
        final double slope;
        int evaluations;

        Point(double step, double[] x, double f, double[] g, double slope) {
            this.step = step;
            this.x = x;
            this.f = f;
            this.g = g;
            this.slope = slope;
        }
    }

    /**
     * A step along {@code p} satisfying the strong Wolfe conditions
     * {@code f(x + a p) <= f(x) + C1 a g.p} and {@code |g(x + a p).p| <= C2 |g.p|}; a point with
     * {@code step == 0} when none was found within the evaluation budget.
     */
    static Point lineSearch(Objective f, double[] x, double f0, double[] g0, double[] p, double slope0, double step0) {
        int[] evals = {0};
        Point start = new Point(0, x, f0, g0, slope0);
        Point prev = start;
        double a = step0;
        Point found = null;
        for (int i = 0; i < MAX_LINE_SEARCH; i++) {
            Point cur = eval(f, x, p, a, evals);
            if (!Double.isFinite(cur.f) || cur.f > f0 + C1 * a * slope0 || (i > 0 && cur.f >= prev.f)) {
                found = zoom(f, x, p, f0, slope0, prev, cur, evals);
                break;
            } else if (Math.abs(cur.slope) <= -C2 * slope0) {
                found = cur;
                break;
            } else if (cur.slope >= 0) {
                found = zoom(f, x, p, f0, slope0, cur, prev, evals);
                break;
            }
            prev = cur;
            a *= 4;   // still descending steeply: extrapolate
        }
        if (found == null) {
            found = new Point(0, x, f0, g0, slope0);
        }
        found.evaluations = evals[0];
        return found;
    }

    /** Algorithm 3.6: {@code lo} satisfies sufficient decrease, the Wolfe step lies between {@code lo} and {@code hi}. */
    private static Point zoom(Objective f, double[] x, double[] p, double f0, double slope0, Point lo, Point hi, int[] evals) {
        while (evals[0] < MAX_LINE_SEARCH) {
            double a = interpolate(lo, hi);
            if (a == lo.step || a == hi.step) {
                break;   // the bracket has shrunk to rounding
            }
            Point cur = eval(f, x, p, a, evals);
            if (!Double.isFinite(cur.f) || cur.f > f0 + C1 * a * slope0 || cur.f >= lo.f) {
                hi = cur;
            } else {
                if (Math.abs(cur.slope) <= -C2 * slope0) {
                    return cur;
                }
                if (cur.slope * (hi.step - lo.step) >= 0) {
                    hi = lo;
                }
                lo = cur;
            }
        }
        // at the rounding floor the curvature condition may be out of reach: a step with sufficient decrease still helps
        return lo.step > 0 ? lo : null;
    }

    /** The minimiser of the cubic through both ends' values and slopes, kept inside the middle 80 % of the bracket. */
    static double interpolate(Point lo, Point hi) {
        double a0 = lo.step;
        double a1 = hi.step;
        double lowEnd = Math.min(a0, a1);
        double width = Math.abs(a1 - a0);
        double a = Double.NaN;
        if (Double.isFinite(hi.f)) {
            double d1 = lo.slope + hi.slope - 3 * (lo.f - hi.f) / (a0 - a1);
            double disc = d1 * d1 - lo.slope * hi.slope;
            if (disc >= 0) {
                double d2 = Math.signum(a1 - a0) * Math.sqrt(disc);
                a = a1 - (a1 - a0) * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2);
            }
        }
        if (!Double.isFinite(a) || a < lowEnd + 0.1 * width || a > lowEnd + 0.9 * width) {
            a = 0.5 * (a0 + a1);
        }
        return a;
    }

    private static Point eval(Objective f, double[] x, double[] p, double a, int[] evals) {
        double[] xn = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xn[i] = x[i] + a * p[i];
        }
        double[] gn = new double[x.length];
        double fn = f.valueAndGradient(xn, gn);
        evals[0]++;
        return new Point(a, xn, fn, gn, dot(gn, p));
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double[] negate(double[] g) {
        double[] p = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            p[i] = -g[i];
        }
        return p;
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }
}
