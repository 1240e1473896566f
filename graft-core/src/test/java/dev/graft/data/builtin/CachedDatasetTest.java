package dev.graft.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.TestHome;
import dev.graft.data.DataSplits;
import dev.graft.data.Splits;
import dev.graft.data.TestFiles;
import dev.graft.data.io.IdxImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CachedDatasetTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path upstream;

    private Map<String, String> pinned;

    @BeforeEach
    void setUp() throws IOException {
        TestFiles.idxPair(upstream, "train", 10, 2, 2, 2);
        TestFiles.idxPair(upstream, "t10k", 4, 2, 2, 2);
        pinned = new LinkedHashMap<>();
        for (String f : List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")) {
            pinned.put(f, Manifest.sha256(upstream.resolve(f)));
        }
    }

    /** A source that "downloads" by copying from {@code upstream}, optionally failing halfway. */
    private final class Toy extends CachedDataset {
        boolean failHalfway;
        int downloads;

        Toy(Map<String, String> files) {
            super("toy", "toy data", files);
        }

        @Override
        protected String download(Path staging, Path work) throws IOException {
            downloads++;
            Files.copy(upstream.resolve("train-images-idx3-ubyte"), staging.resolve("train-images-idx3-ubyte"));
            if (failHalfway) {
                throw new GraftException("network went away", "try again");
            }
            copyFrom(upstream, staging);
            return "test upstream";
        }

        @Override
        protected DataSplits read(Path dir, long seed, double validationFraction) {
            return Splits.withValidation(name(),
                    IdxImages.load("toy/train", dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), null),
                    IdxImages.load("toy/test", dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), null),
                    validationFraction, seed);
        }
    }

    @Test
    void fetchVerifiesWritesManifestAndFetchesOnce() {
        Toy toy = new Toy(pinned);
        assertFalse(toy.isCached());
        toy.fetch();
        assertTrue(toy.isCached());
        assertEquals(home.dir().resolve("data/toy"), toy.dir());
        Manifest m = Manifest.read(toy.dir());
        assertEquals(pinned.keySet(), m.files().keySet());
        assertEquals("test upstream", m.source());
        toy.fetch();
        assertEquals(1, toy.downloads);
        DataSplits s = toy.load(1, 0.0);
        assertEquals(10, s.train().size());
        assertEquals(4, s.test().size());
        assertEquals(8, toy.load(1).train().size()); // round(0.1 * 5) = 1 of each of the 2 classes held out
    }

    @Test
    void damagedCacheIsDetectedOnLoadAndNamesTheFileAndTheFix() throws IOException {
        Toy toy = new Toy(pinned);
        toy.fetch();
        Path f = toy.dir().resolve("t10k-images-idx3-ubyte");
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1] ^= 1; // same size, different content
        Files.write(f, b);
        GraftException e = assertThrows(GraftException.class, () -> toy.load(1));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte") && e.getMessage().contains("sha256"), e.getMessage());
        assertTrue(e.fix().contains("Datasets.source(\"toy\").fetch(true, null)"), e.fix());
        toy.fetch(true, null);
        assertEquals(4, toy.load(1).test().size());
    }

    @Test
    void truncatedCacheFileIsDetected() throws IOException {
        Toy toy = new Toy(pinned);
        toy.fetch();
        Path f = toy.dir().resolve("train-labels-idx1-ubyte");
        Files.write(f, java.util.Arrays.copyOf(Files.readAllBytes(f), 5));
        GraftException e = assertThrows(GraftException.class, () -> toy.load(1));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte") && e.getMessage().contains("5 bytes"), e.getMessage());
    }

    @Test
    void upstreamWithWrongChecksumIsRefusedAndNotCached() {
        Map<String, String> wrong = new LinkedHashMap<>(pinned);
        wrong.put("t10k-labels-idx1-ubyte", "0".repeat(64));
        Toy toy = new Toy(wrong);
        GraftException e = assertThrows(GraftException.class, toy::fetch);
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte") && e.getMessage().contains("expected " + "0".repeat(64)), e.getMessage());
        assertFalse(toy.isCached());
        assertEquals(List.of(), leftovers());
    }

    @Test
    void interruptedFetchLeavesNothingUsable() {
        Toy toy = new Toy(pinned);
        toy.failHalfway = true;
        assertThrows(GraftException.class, toy::fetch);
        assertFalse(toy.isCached());
        assertFalse(Files.exists(toy.dir()));
        assertEquals(List.of(), leftovers());
        GraftException e = assertThrows(GraftException.class, () -> toy.load(1));
        assertTrue(e.fix().contains("Datasets.source(\"toy\").fetch()"), e.oneLine());
    }

    @Test
    void leftoverPartialFolderFromAKilledFetchIsIgnored() throws IOException {
        Path partial = Files.createDirectories(home.dir().resolve("data/.toy.partial-12345"));
        Files.copy(upstream.resolve("train-images-idx3-ubyte"), partial.resolve("train-images-idx3-ubyte"));
        Toy toy = new Toy(pinned);
        assertFalse(toy.isCached());
        toy.fetch();
        assertTrue(toy.isCached());
        assertEquals(1, toy.downloads);
        assertEquals(10, toy.load(1, 0.0).train().size());
    }

    @Test
    void folderWithoutManifestIsNotCached() throws IOException {
        // e.g. files copied in by hand: they are never used unverified
        Path dir = Files.createDirectories(home.dir().resolve("data/toy"));
        for (String f : pinned.keySet()) {
            Files.copy(upstream.resolve(f), dir.resolve(f));
        }
        Toy toy = new Toy(pinned);
        assertFalse(toy.isCached());
        toy.fetch();
        assertTrue(toy.isCached());
        assertEquals(1, toy.downloads);
    }

    @Test
    void fromFolderAcceptsGzipCopies() throws IOException {
        Path local = Files.createDirectories(home.dir().resolve("local"));
        for (String f : pinned.keySet()) {
            Files.write(local.resolve(f + ".gz"), TestFiles.gzip(Files.readAllBytes(upstream.resolve(f))));
        }
        Toy toy = new Toy(pinned);
        toy.fetch(false, local);
        assertEquals(0, toy.downloads);
        assertTrue(Manifest.read(toy.dir()).source().startsWith("local folder"));
        assertEquals(14, toy.load(3, 0.0).train().size() + toy.load(3, 0.0).test().size());
        Path empty = Files.createDirectories(home.dir().resolve("empty"));
        GraftException e = assertThrows(GraftException.class, () -> toy.fetch(true, empty));
        assertTrue(e.getMessage().contains("has no train-images-idx3-ubyte"), e.getMessage());
        assertTrue(toy.isCached(), "a failed re-fetch keeps the good copy");
    }

    @Test
    void builtinMnistRefusesFilesThatAreNotMnist() {
        // the generated files have the right names but not MNIST's pinned sha256
        GraftException e = assertThrows(GraftException.class, () -> new MnistDataset().fetch(false, upstream));
        assertTrue(e.getMessage().contains("sha256") && e.getMessage().contains("expected"), e.getMessage());
        assertFalse(new MnistDataset().isCached());
    }

    private List<Path> leftovers() {
        try (Stream<Path> s = Files.list(home.dir().resolve("data"))) {
            return s.toList();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
