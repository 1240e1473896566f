package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.TestHome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the fastest examples' {@code main} as a user would, so that they keep working and not only
 * compiling: each takes seconds, offline, on the weights that ship with Graft and generated data.
 * The others are compiled by the build and their snippets checked by {@link ExamplesDocSnippetsTest}.
 */
class ExamplesRunTest {
    interface Main {
        void run() throws Exception;
    }

    @RegisterExtension
    static final TestHome home = new TestHome();

    @AfterAll
    static void forgetMirror() {
        System.clearProperty("mirror.dir");
    }

    /** What the program printed on standard output (still shown, too). */
    static List<String> output(Main main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream both = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                bytes.write(b);
                old.write(b);
            }
        }, true, StandardCharsets.UTF_8)) {
            System.setOut(both);
            main.run();
        } finally {
            System.setOut(old);
        }
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void createAndPredictClassifiesTheDrawnDigitsWithTheShippedWeights() throws Exception {
        List<String> out = output(() -> CreateAndPredict.main(new String[0]));
        assertEquals(3, out.stream().filter(l -> l.matches("drawn \\d -> \\d \\(\\d+\\.\\d%\\)")).count(), out.toString());
        assertTrue(out.contains("small_cnn.graft_mnist: 5 classes, 98037 parameters"), out.toString());
    }

    @Test
    void adviseRecommendsAStrategyWithItsReasons() throws Exception {
        List<String> out = output(() -> AdviseStrategy.main(new String[0]));
        // 10 images per class: small data, for which the rule is to train only a new classifier
        assertTrue(out.get(0).startsWith("head: 10 samples per class"), out.toString());
    }

    @Test
    void hubDataSetsPublishesADataSetAndLoadsItByItsHubName(@TempDir Path work) throws Exception {
        List<String> out = output(() -> HubDataSets.main(new String[] {work.toString()}));
        // 12 training images per class, a tenth of each class (1) carved out as validation; 8 test images per class
        String expected = "alice/textures: train 44 + validation 4, test 32, classes " + ToyImages.CLASSES;
        assertTrue(out.contains(expected), out + " vs " + expected);
    }

    @Test
    void hubPushPullPublishesAModelAndCreatesItAgainFromTheHub(@TempDir Path work) throws Exception {
        List<String> out = output(() -> HubPushPull.main(new String[] {work.toString()}));
        assertTrue(out.stream().anyMatch(l -> l.matches("alice/small-cnn at [0-9a-f]{40}: small_cnn\\.graft_mnist, 10 classes")),
                out.toString());
        assertTrue(Files.isRegularFile(work.resolve("export/README.md")));
        assertEquals(null, System.getProperty("graft.endpoint"), "the example leaves no settings behind");
    }

    @Test
    void aCustomWeightsSourceServesZooCreate(@TempDir Path mirror) throws Exception {
        List<String> out = output(() -> CustomWeightsSource.main(new String[] {mirror.toString()}));
        assertTrue(out.get(out.size() - 1).startsWith("small_cnn.graft_mnist from "), out.toString());
    }

    @Test
    void aFamilyListedAsAServiceIsInTheCatalogue() throws Exception {
        List<String> out = output(() -> CustomFamily.main(new String[0]));
        assertEquals("[tiny_cnn]: tiny_cnn, 3 classes", out.get(out.size() - 1), out.toString());
    }
}
