package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.data.TestFiles;
import dev.graft.progress.Output;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The rules that keep the verbs from silently producing or destroying something: a non-empty output
 * folder is refused by every verb that writes one, a diverged training exits non-zero and leaves the
 * previous model alone, a decompression bomb is refused from its header, and {@code models run}
 * checks its input's dtype and shape.
 */
class SafetyRulesTest {
    @TempDir
    Path tmp;

    private PrintStream savedOut;
    private ByteArrayOutputStream out;
    private String data;

    @BeforeEach
    void setUp() throws Exception {
        System.setProperty("graft.home", tmp.resolve("home").toString());
        savedOut = System.out;
        out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        Random rnd = new Random(3);
        for (int i = 0; i < 8; i++) {
            writeGray(tmp.resolve("pics/dark/" + i + ".png"), 20 + rnd.nextInt(40), rnd);
            writeGray(tmp.resolve("pics/light/" + i + ".png"), 180 + rnd.nextInt(40), rnd);
        }
        data = "folder:" + tmp.resolve("pics") + "?size=28x28&test=0.25&val=0.25";
    }

    @AfterEach
    void tearDown() {
        System.setOut(savedOut);
        System.clearProperty("graft.home");
        Output.configure(false, false);
    }

    private static void writeGray(Path f, int v, Random rnd) throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, v + rnd.nextInt(21) - 10)));
            }
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }

    /** Runs the CLI; returns {exit code, stdout, stderr}. */
    private String[] run(String... args) {
        out.reset();
        Output.configure(true, false);
        CommandLine cl = GraftCli.commandLine();
        StringWriter err = new StringWriter();
        StringWriter o = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(o));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(StandardCharsets.UTF_8) + o, err.toString()};
    }

    @Test
    void everyVerbThatWritesAFolderRefusesANonEmptyOne() throws Exception {
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("README.md"), "someone's model card");
        String u = used.toString();
        List<String[]> verbs = List.of(
                new String[] {"finetune", "--model", "small_cnn", "--data", data, "--out", u},
                new String[] {"pretrain", "--model", "small_cnn", "--data", data, "--out", u},
                new String[] {"adapt", "--method", "dann", "--source", "mnist", "--target", "mnist-m-style", "--out", u},
                new String[] {"multitask", "--data", "multimnist", "--out", u},
                new String[] {"text-finetune", "--data", "wordnet-topics-small", "--out", u},
                new String[] {"quickstart", "--out", u},
                new String[] {"hub", "pull", "alice/tiny", "--local-dir", u});
        for (String[] args : verbs) {
            String[] r = run(args);
            assertEquals("1", r[0], String.join(" ", args) + ": " + r[2]);
            assertTrue(r[2].contains("folder " + u + " is not empty (README.md)") && r[2].contains("--overwrite"), args[0] + ": " + r[2]);
            assertEquals(1, r[2].strip().lines().count(), "one line: " + r[2]);
            assertEquals(List.of("README.md"), Files.list(used).map(p -> p.getFileName().toString()).toList(), args[0]);
        }
        assertTrue(run("finetune", "--model", "small_cnn", "--data", data, "--out", u)[2].contains("--resume " + u));

        // pretrain also writes the catalogue's weights folder: replacing weights others start from needs the same consent
        Path weights = Weights.catalogueDir("small_cnn." + dev.graft.train.Pretrain.tagFor(data));
        Files.createDirectories(weights);
        Files.writeString(weights.resolve("model.safetensors"), "earlier weights");
        String[] r = run("pretrain", "--model", "small_cnn", "--data", data, "--out", tmp.resolve("fresh").toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("folder " + weights + " is not empty") && r[2].contains("--overwrite"), r[2]);
        assertEquals("earlier weights", Files.readString(weights.resolve("model.safetensors")));
    }

    @Test
    void aDivergedRunExitsNonZeroAndKeepsTheGoodModel() throws Exception {
        Path runDir = tmp.resolve("runs/good");
        String[] good = run("--seed", "2", "finetune", "--model", "small_cnn", "--data", data, "--strategy", "scratch",
                "--epochs", "1", "--batch-size", "4", "--out", runDir.toString());
        assertEquals("0", good[0], good[2]);
        byte[] model = Files.readAllBytes(runDir.resolve("model.safetensors"));
        String card = Files.readString(runDir.resolve("README.md"));

        String[] again = run("finetune", "--model", "small_cnn", "--data", data, "--strategy", "scratch", "--epochs", "1",
                "--batch-size", "4", "--out", runDir.toString());
        assertEquals("1", again[0], "the second run is refused: " + again[2]);

        String[] nan = run("--seed", "2", "finetune", "--model", "small_cnn", "--data", data, "--strategy", "scratch",
                "--epochs", "2", "--batch-size", "4", "--lr", "1e30", "--clip", "0", "--out", runDir.toString(), "--overwrite");
        assertNotEquals("0", nan[0], nan[1]);
        assertTrue(nan[2].contains("training diverged") && nan[2].contains("nothing was exported"), nan[2]);
        assertArrayEquals(model, Files.readAllBytes(runDir.resolve("model.safetensors")), "the good model is untouched");
        assertEquals(card, Files.readString(runDir.resolve("README.md")));

        String[] pre = run("pretrain", "--model", "small_cnn", "--data", data, "--epochs", "1", "--batch-size", "4", "--lr", "1e30",
                "--clip", "0", "--out", tmp.resolve("runs/pre").toString());
        assertNotEquals("0", pre[0], pre[1]);
        assertTrue(pre[2].contains("training diverged"), pre[2]);
    }

    @Test
    void predictRefusesADecompressionBombInOneLine() throws Exception {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", new CreateOptions().numClasses(2).seed(1));
        Path dir = tmp.resolve("model");
        Weights.save(m, dir);
        Path bomb = tmp.resolve("bomb.png");
        TestFiles.bombPng(bomb, 40000, 40000);
        String[] r = run("predict", "--model", dir.toString(), bomb.toString());
        assertEquals("1", r[0], r[2]);
        assertTrue(r[2].contains("40000x40000") && r[2].contains("over the limit") && r[2].contains("GRAFT_MAX_IMAGE_PIXELS"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        Path big = tmp.resolve("big.png");
        BufferedImage img = new BufferedImage(2000, 2000, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(img, "png", big.toFile());
        String[] ok = run("predict", "--model", dir.toString(), big.toString());
        assertEquals("0", ok[0], ok[2]);
    }

    @Test
    void modelsRunChecksDtypeAndShapeAgainstTheModel() throws Exception {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", new CreateOptions().numClasses(4).seed(2));
        Path w = tmp.resolve("w.safetensors");
        Weights.saveStateDict(m, w);
        Path in = tmp.resolve("in.safetensors");
        Path outFile = tmp.resolve("out.safetensors");
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray u8 = nd.randomUniform(0f, 255f, new Shape(2, 1, 28, 28)).toType(DataType.UINT8, false);
            SafeTensors.write(in, Map.of("input", u8), null);
            String[] r = run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString());
            assertEquals("1", r[0], r[2]);
            assertTrue(r[2].contains("is U8") && r[2].contains("takes float32"), r[2]);

            SafeTensors.write(in, Map.of("input", nd.randomUniform(0f, 1f, new Shape(2, 3, 28, 28))), null);
            r = run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString());
            assertEquals("1", r[0], r[2]);
            assertTrue(r[2].contains("2 x 3 x 28 x 28") && r[2].contains("takes N x 1 x 28 x 28"), r[2]);

            SafeTensors.write(in, Map.of("input", nd.randomUniform(0f, 1f, new Shape(2, 1, 32, 32))), null);
            r = run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString());
            assertEquals("1", r[0], r[2]);
            assertTrue(r[2].contains("--img-size 32"), r[2]);
            r = run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString(),
                    "--img-size", "32");
            assertEquals("0", r[0], r[2]);
            assertTrue(Files.isRegularFile(outFile));
        }
    }
}
