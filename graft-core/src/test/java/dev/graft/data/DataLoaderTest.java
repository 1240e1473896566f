package dev.graft.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.graft.GraftException;
import dev.graft.data.transform.Transform;
import dev.graft.data.transform.Transforms;
import dev.graft.engine.Engines;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};

    @BeforeAll
    static void engine() {
        Engines.pytorch();
    }

    private static List<int[]> orders(DataLoader loader, int epoch, List<float[]> xs) {
        List<int[]> out = new ArrayList<>();
        try (NDManager nd = NDManager.newBaseManager(); DataLoader.Epoch e = loader.epoch(nd, epoch)) {
            for (Batch b : e) {
                try (b) {
                    out.add(b.indices());
                    if (xs != null) {
                        xs.add(b.x().toFloatArray());
                    }
                }
            }
        }
        return out;
    }

    @Test
    void everySampleOnceWithMatchingImagesAndLabels() {
        ImageData d = TestFiles.tiny(LABELS, 3);
        DataLoader loader = DataLoader.of(d).withBatchSize(4).withShuffle(7);
        assertEquals(3, loader.numBatches());
        List<Integer> seen = new ArrayList<>();
        try (NDManager nd = NDManager.newBaseManager(); DataLoader.Epoch e = loader.epoch(nd, 0)) {
            int batches = 0;
            for (Batch b : e) {
                try (b) {
                    int n = b.size();
                    assertEquals(batches < 2 ? 4 : 2, n);
                    assertEquals(new ai.djl.ndarray.types.Shape(n, 1, 2, 2), b.x().getShape());
                    assertEquals(DataType.FLOAT32, b.x().getDataType());
                    assertEquals(DataType.INT32, b.y().getDataType());
                    int[] y = b.y().toIntArray();
                    float[] x = b.x().toFloatArray();
                    for (int k = 0; k < n; k++) {
                        int i = b.indices()[k];
                        seen.add(i);
                        assertEquals(LABELS[i], y[k]);
                        assertEquals((float) i / LABELS.length, x[k * 4], 1e-7f);
                    }
                    batches++;
                }
            }
            assertEquals(3, batches);
        }
        assertEquals(IntStream.range(0, 10).boxed().toList(), seen.stream().sorted().toList());
        assertFalse(seen.equals(IntStream.range(0, 10).boxed().toList()), "shuffled order should differ from 0..9");
    }

    @Test
    void sameSeedRepeatsOrderAndRandomTransformsEpochsDiffer() {
        ImageData d = TestFiles.tiny(LABELS, 3);
        Transform t = Transforms.randomCrop(2, 2, 1);
        DataLoader a = DataLoader.of(d).withBatchSize(3).withShuffle(11).withTransform(t);
        DataLoader b = DataLoader.of(d).withBatchSize(3).withShuffle(11).withTransform(t).withPrefetch(1);
        List<float[]> xa = new ArrayList<>();
        List<float[]> xb = new ArrayList<>();
        List<int[]> oa = orders(a, 2, xa);
        List<int[]> ob = orders(b, 2, xb);
        for (int i = 0; i < oa.size(); i++) {
            assertArrayEquals(oa.get(i), ob.get(i));
            assertArrayEquals(xa.get(i), xb.get(i));
        }
        assertFalse(Arrays.equals(a.order(2), a.order(3)));
        assertFalse(Arrays.equals(a.order(2), DataLoader.of(d).withShuffle(12).order(2)));
        // the transform of sample k of epoch 2 uses its own seeded draw, as documented
        int first = oa.get(0)[0];
        Pixels expect = t.apply(new Pixels(1, 2, 2, d.image(first)), new Random(DataLoader.mix(11, 2, 0)));
        assertArrayEquals(expect.values(), Arrays.copyOf(xa.get(0), 4));
    }

    @Test
    void noShuffleKeepsOrderAndDropLastDropsTheTail() {
        ImageData d = TestFiles.tiny(LABELS, 3);
        DataLoader loader = DataLoader.of(d).withBatchSize(4).withDropLast(true);
        assertEquals(2, loader.numBatches());
        List<int[]> o = orders(loader, 0, null);
        assertEquals(2, o.size());
        assertArrayEquals(new int[] {0, 1, 2, 3}, o.get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7}, o.get(1));
    }

    @Test
    void transformChangesTheBatchShape() {
        ImageData d = TestFiles.tiny(LABELS, 3);
        DataLoader loader = DataLoader.of(d).withBatchSize(10)
                .withTransform(Transforms.compose(Transforms.grayscaleToRgb(), Transforms.resize(4, 4)));
        assertArrayEquals(new int[] {3, 4, 4}, loader.imageShape());
        List<float[]> xs = new ArrayList<>();
        orders(loader, 0, xs);
        assertEquals(10 * 3 * 16, xs.get(0).length);
        assertEquals(0.9f, xs.get(0)[9 * 48 + 47], 1e-6f);
    }

    @Test
    void stoppingEarlyAndClosingEndsTheWorker() {
        ImageData d = TestFiles.tiny(new int[200], 1);
        DataLoader loader = DataLoader.of(d).withBatchSize(1);
        try (NDManager nd = NDManager.newBaseManager()) {
            DataLoader.Epoch e = loader.epoch(nd, 0);
            for (Batch b : e) {
                b.close();
                break;
            }
            e.close();
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(th -> th.getName().equals("graft-data-loader") && th.isAlive()), "worker still running");
    }

    @Test
    void transformErrorsReachTheCaller() {
        ImageData d = TestFiles.tiny(LABELS, 3);
        Transform failing = (p, r) -> {
            if (p.values()[0] > 0.5f) {
                throw new GraftException("bad sample", "fix it");
            }
            return p;
        };
        DataLoader loader = DataLoader.of(d).withBatchSize(2).withTransform(failing);
        GraftException e = assertThrows(GraftException.class, () -> orders(loader, 0, null));
        assertEquals("bad sample", e.getMessage());
    }

    @Test
    void asTheLoopsBatchSourceItGivesTheSameBatchesAsAnEpoch() {
        ImageData d = TestFiles.tiny(LABELS, 3);
        Transform t = Transforms.randomCrop(2, 2, 1);
        DataLoader loader = DataLoader.of(d).withBatchSize(4).withShuffle(11).withTransform(t);
        List<float[]> xs = new ArrayList<>();
        List<int[]> idx = orders(loader, 3, xs);
        assertEquals(loader.numBatches(), loader.perEpoch());
        assertArrayEquals(dev.graft.util.Permutations.ofEpoch(d.size(), 11, 3), loader.order(3), "the loop's epoch order");
        try (NDManager nd = NDManager.newBaseManager()) {
            for (int b = 0; b < loader.perEpoch(); b++) {
                assertArrayEquals(idx.get(b), loader.indices(3, b));
                try (Batch batch = loader.batch(nd, 3, b)) {
                    assertArrayEquals(xs.get(b), batch.x().toFloatArray(), 0f, "same transform draws as the prefetching epoch");
                }
            }
        }
    }
}
