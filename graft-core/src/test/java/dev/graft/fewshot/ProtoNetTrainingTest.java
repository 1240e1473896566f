package dev.graft.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.graft.GraftException;
import dev.graft.data.ImageData;
import dev.graft.train.FeatureExtractor;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.NoGrad;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prototypical Network training: the episode layout, the distance logits, a falling loss, a run folder that loads back. */
class ProtoNetTrainingTest {
    @TempDir
    Path tmp;

    /** {@code classes} classes of three noisy 3x16x16 images each: a bright bar at a class-specific row and colour. */
    static ImageData bars(int classes, long seed) {
        Random rnd = new Random(seed);
        int per = 3;
        float[] px = new float[classes * per * 3 * 256];
        int[] labels = new int[classes * per];
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
            for (int k = 0; k < per; k++) {
                int i = c * per + k;
                labels[i] = c;
                for (int j = 0; j < 3 * 256; j++) {
                    px[i * 768 + j] = 0.5f * rnd.nextFloat();
                }
                int row = (c * 3) % 14;
                for (int x = 0; x < 16; x++) {
                    px[i * 768 + (c % 3) * 256 + row * 16 + x] = 1f;
                    px[i * 768 + (c % 3) * 256 + (row + 1) * 16 + x] = 1f;
                }
            }
        }
        return new ImageData("bars", names, 3, 16, 16, px, labels);
    }

    private static GraftModel conv4() {
        return Zoo.create("conv4", CreateOptions.defaults().withNumClasses(0).withImgSize(16).withSeed(3));
    }

    @Test
    void anEpisodeHoldsEachClassesSupportThenEachClassesQueries() {
        List<List<Integer>> byClass = List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8), List.of(9, 10, 11));
        ProtoNetTraining.Options o = ProtoNetTraining.Options.defaults().withWays(3).withShots(2).withQueries(1);
        int[] rows = ProtoNetTraining.draw(byClass, List.of(0, 1, 2, 3), o, new Random(1));
        assertEquals(9, rows.length);
        for (int w = 0; w < 3; w++) {
            int cls = rows[w * 2] / 3;
            assertEquals(cls, rows[w * 2 + 1] / 3, "both shots of one class");
            assertEquals(cls, rows[6 + w] / 3, "the query of class " + w + " after all the support");
            assertTrue(rows[w * 2] != rows[w * 2 + 1] && rows[w * 2] != rows[6 + w] && rows[w * 2 + 1] != rows[6 + w], "distinct images");
        }
    }

    @Test
    void aRowRepeatedInAnEpisodeIsACropOfItsImage() {
        ImageData d = bars(2, 1);
        ImageData ep = ProtoNetTraining.episodeImages(d, new int[] {0, 0, 4}, dev.graft.data.transform.Transforms.randomSquareCrop(16, 16, 0.75),
                new Random(2));
        assertArrayEquals(d.image(0), ep.image(0));
        assertEquals(d.image(0).length, ep.image(1).length);
        assertTrue(!java.util.Arrays.equals(d.image(0), ep.image(1)), "the repeat is a crop, not the image again");
        assertArrayEquals(d.image(4), ep.image(2));
    }

    @Test
    void logitsAreMinusTheSquaredDistancesToTheMeanSupportEmbeddings() {
        GraftModel m = conv4();
        ImageData d = bars(3, 1);
        try (NDManager nd = NDManager.newBaseManager(); NoGrad g = NoGrad.enter()) {
            ParameterStore ps = new ParameterStore(nd, false);
            // 3-way 1-shot with 1 query: support rows 0, 3, 6 and queries 1, 4, 7
            NDArray images = new dev.graft.train.TensorSet(d.pixels(), new long[] {3, 16, 16}, d.labels(), d.classNames())
                    .batch(nd, new int[] {0, 3, 6, 1, 4, 7});
            float[] logits = ProtoNetTraining.logits(m, ps, images, 3, 1, 1, false).toFloatArray();
            float[] z = m.forwardHead(ps, m.forwardFeatures(ps, images, false), false, true).toFloatArray();
            int dim = z.length / 6;
            for (int q = 0; q < 3; q++) {
                for (int c = 0; c < 3; c++) {
                    double s = 0;
                    for (int k = 0; k < dim; k++) {
                        double diff = z[(3 + q) * dim + k] - z[c * dim + k];
                        s += diff * diff;
                    }
                    assertEquals(-s, logits[q * 3 + c], 1e-3 * Math.max(1, s));
                }
            }
        }
    }

    @Test
    void trainingLowersTheQueryLossAndTheRunFolderLoadsBackWithTheSameFeatures() throws Exception {
        GraftModel m = conv4();
        ImageData seen = bars(8, 2);
        ProtoNetTraining.Options o = ProtoNetTraining.Options.defaults().withWays(4).withShots(1).withQueries(2).withEpisodes(40).withSeed(5);
        ProtoNetTraining.Result r = ProtoNetTraining.train(m, seen, o);
        assertEquals(8, r.classes());
        assertEquals(40, r.episodes());
        double first = mean(r.episodeLoss(), 0, 10);
        double last = mean(r.episodeLoss(), 30, 40);
        assertTrue(last < first * 0.8, "loss " + first + " -> " + last);

        ImageData unseen = bars(6, 9);
        EpisodicEvaluation.Result e = ImageEpisodes.run(m, unseen, null, 5, 1, 1, 5, 7);
        Path dir = tmp.resolve("run");
        ProtoNetTraining.save(m, r, o, "bars", Map.of("bars 5-way 1-shot", e), dir, "graft fewshot-train --data bars");
        assertTrue(Files.size(dir.resolve(ProtoNetTraining.CURVES)) > 0);
        String card = Files.readString(dir.resolve(ProtoNetTraining.CARD));
        assertTrue(card.contains("prototypical-networks") && card.contains("| bars 5-way 1-shot (5) |") && card.contains("graft fewshot-train --data bars"),
                card);
        GraftModel back = Zoo.create("local-dir:" + dir);
        assertArrayEquals(FeatureExtractor.embed(m, unseen, 8), FeatureExtractor.embed(back, unseen, 8));
    }

    @Test
    void moreWaysThanSeenClassesIsOneLine() {
        GraftException e = assertThrows(GraftException.class,
                () -> ProtoNetTraining.train(conv4(), bars(3, 1), ProtoNetTraining.Options.defaults().withWays(5)));
        assertEquals("5-way episodes need 5 classes but bars has 3", e.getMessage());
    }

    private static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }
}
