package dev.graft.util;

import java.util.random.RandomGenerator;

/**
 * Seeded orders of sample indices: the one Fisher-Yates shuffle behind every epoch order, split and
 * sample. It walks from the last index down and swaps index {@code i} with {@code rng.nextInt(i + 1)},
 * the same draws as {@link java.util.Collections#shuffle(java.util.List, java.util.Random)}, so a
 * generator in the same state gives the same order either way.
 *
 * <pre>{@code
 * int[] order = Permutations.shuffled(n, new Random(seed));
 * Permutations.shuffle(order, new SplittableRandom(seed));   // in place
 * int[] epoch3 = Permutations.ofEpoch(n, seed, 3);              // a run's epoch order
 * }</pre>
 */
public final class Permutations {
    private Permutations() {}

    /** {@code 0, 1, ..., n-1}. */
    public static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** A random order of {@code 0..n-1} drawn from {@code rng}. */
    public static int[] shuffled(int n, RandomGenerator rng) {
        int[] p = identity(n);
        shuffle(p, rng);
        return p;
    }

    /**
     * The order of pass {@code epoch} over {@code n} samples of a run seeded with {@code seed}: its own
     * generator per pass, so any epoch's order is known without replaying the ones before (exact resume).
     */
    public static int[] ofEpoch(int n, long seed, long epoch) {
        return shuffled(n, new java.util.Random(mix(seed, epoch)));
    }

    /** A well-mixed 64-bit value from a seed and a counter (SplitMix64's finaliser). */
    public static long mix(long seed, long counter) {
        long z = seed * 0x9E3779B97F4A7C15L + counter + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Shuffles {@code a} in place with {@code rng}. */
    public static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
