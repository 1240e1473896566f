package dev.graft.train.loop;

import dev.graft.util.Permutations;

/**
 * The sample indices of every batch of a run, from the one seeded shuffle
 * ({@link Permutations#ofEpoch}): batch {@code b} of epoch {@code e} depends only on the seed,
 * {@code e} and {@code b}, so a resumed run sees the same batches as an uninterrupted one.
 *
 * <pre>{@code
 * Batches b = Batches.shuffled(train.size(), 64, seed);       // epochs over the data
 * Batches t = Batches.endless(target.size(), 32, 500, seed);  // 500 batches an "epoch", passes run on
 * int[] idx = b.indices(epoch, batch);
 * }</pre>
 */
public interface Batches {
    /** Batches in one epoch. */
    int perEpoch();

    /** The samples of batch {@code batch} of epoch {@code epoch} (both 0-based). */
    int[] indices(int epoch, int batch);

    /**
     * Epochs over {@code n} samples, each in its own seeded order, cut into batches of
     * {@code batchSize}; a last batch of one sample is dropped (it would break BatchNorm in training).
     */
    static Batches shuffled(int n, int batchSize, long seed) {
        return new Batches() {
            private int cachedEpoch = Integer.MIN_VALUE;
            private int[] order;

            @Override
            public int perEpoch() {
                int full = n / batchSize;
                int rest = n % batchSize;
                return full + (rest >= 2 || (rest == 1 && full == 0) ? 1 : 0);
            }

            @Override
            public int[] indices(int epoch, int batch) {
                if (epoch != cachedEpoch) {
                    order = Permutations.ofEpoch(n, seed, epoch);
                    cachedEpoch = epoch;
                }
                int from = batch * batchSize;
                return java.util.Arrays.copyOfRange(order, from, Math.min(n, from + batchSize));
            }
        };
    }

    /**
     * {@code perEpoch} full batches an epoch drawn from an endless stream of seeded passes over
     * {@code n} samples (pass {@code p} in the order {@code Permutations.ofEpoch(n, seed, p)}), as
     * TLlib's iterators over a domain of any size.
     */
    static Batches endless(int n, int batchSize, int perEpoch, long seed) {
        return new Batches() {
            private long cachedPass = Long.MIN_VALUE;
            private int[] order;

            @Override
            public int perEpoch() {
                return perEpoch;
            }

            @Override
            public int[] indices(int epoch, int batch) {
                int[] out = new int[batchSize];
                long pos = ((long) epoch * perEpoch + batch) * batchSize;
                for (int k = 0; k < batchSize; k++, pos++) {
                    long pass = pos / n;
                    if (pass != cachedPass) {
                        order = Permutations.ofEpoch(n, seed, pass);
                        cachedPass = pass;
                    }
                    out[k] = order[(int) (pos % n)];
                }
                return out;
            }
        };
    }
}
