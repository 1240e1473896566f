package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    /** 100 samples of class 0, 30 of class 1, 10 of class 2, interleaved. */
    private static int[] labels() {
        int[] l = new int[140];
        for (int i = 0; i < 140; i++) {
            l[i] = i < 100 ? 0 : i < 130 ? 1 : 2;
        }
        // interleave deterministically so classes are not contiguous
        int[] out = new int[140];
        for (int i = 0; i < 140; i++) {
            out[(i * 37) % 140] = l[i];
        }
        return out;
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        int[] l = labels();
        int[][] a = Splits.stratifiedIndices(l, 3, 0.2, 7);
        int[][] b = Splits.stratifiedIndices(l, 3, 0.2, 7);
        int[][] c = Splits.stratifiedIndices(l, 3, 0.2, 8);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
        assertFalse(Arrays.equals(a[1], c[1]));
    }

    @Test
    void eachClassGivesItsShareAndPartsCoverEverythingOnce() {
        int[] l = labels();
        int[][] p = Splits.stratifiedIndices(l, 3, 0.2, 1);
        int[] held = new int[3];
        for (int i : p[1]) {
            held[l[i]]++;
        }
        assertArrayEquals(new int[] {20, 6, 2}, held);
        int[] all = IntStream.concat(Arrays.stream(p[0]), Arrays.stream(p[1])).sorted().toArray();
        assertArrayEquals(IntStream.range(0, 140).toArray(), all);
        // each part keeps the original order
        assertArrayEquals(Arrays.stream(p[0]).sorted().toArray(), p[0]);
    }

    @Test
    void withValidationNamesPartsAndKeepsClassNames() {
        ImageData train = TestFiles.tiny(labels(), 3);
        ImageData test = TestFiles.tiny(new int[] {0, 1, 2}, 3);
        DataSplits s = Splits.withValidation("toy", train, test, 0.1, 3);
        assertEquals(126, s.train().size());
        assertEquals(14, s.validation().size());
        assertEquals("toy/validation", s.validation().name());
        assertEquals(train.classNames(), s.validation().classNames());
        assertEquals(3, s.test().size());
        DataSplits none = Splits.withValidation("toy", train, test, 0.0, 3);
        assertEquals(140, none.train().size());
        assertEquals(0, none.validation().size());
    }

    @Test
    void testCarveOutIgnoresTheRunSeed() {
        ImageData all = TestFiles.tiny(labels(), 3);
        DataSplits a = Splits.fromUnsplit("toy", all, 0.2, 0.1, 1);
        DataSplits b = Splits.fromUnsplit("toy", all, 0.2, 0.1, 999);
        assertArrayEquals(a.test().pixels(), b.test().pixels());
        assertEquals(28, a.test().size());
        assertFalse(Arrays.equals(a.validation().pixels(), b.validation().pixels()));
    }

    @Test
    void badFractionIsAnError() {
        assertThrows(GraftException.class, () -> Splits.stratifiedIndices(labels(), 3, 1.0, 1));
        assertThrows(GraftException.class, () -> Splits.stratifiedIndices(labels(), 3, -0.1, 1));
    }

    @Test
    void defaultResplitOfASourceJoinsTrainAndValidation() {
        ImageData train = TestFiles.tiny(labels(), 3);
        ImageData test = TestFiles.tiny(new int[] {0, 1, 2}, 3);
        DatasetSource src = new DatasetSource() {
            public String name() { return "toy"; }
            public String description() { return "toy"; }
            public boolean isCached() { return true; }
            public void fetch() {}
            public DataSplits load(long seed) { return Splits.withValidation("toy", train, test, 0.1, seed); }
        };
        DataSplits whole = src.load(5, 0.0);
        assertEquals(140, whole.train().size());
        assertEquals(0, whole.validation().size());
        assertEquals(42, src.load(5, 0.3).validation().size());
    }
}
