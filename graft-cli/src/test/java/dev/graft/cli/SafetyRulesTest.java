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
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules that keep the verbs from silently producing or destroying something: a non-empty output
 * folder is refused by every verb that writes one, a diverged training exits non-zero and leaves the
 * previous model alone, a decompression bomb is refused from its header, and {@code models run}
 * checks its input's dtype and shape.
 */
class SafetyRulesTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    final TrainingSandbox box = new TrainingSandbox();

    @Test
    void everyVerbThatWritesAFolderRefusesANonEmptyOne() throws Exception {
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("README.md"), "someone's model card");
        String u = used.toString();
        List<String[]> verbs = List.of(
                new String[] {"finetune", "--model", "small_cnn", "--data", box.data(), "--out", u},
                new String[] {"pretrain", "--model", "small_cnn", "--data", box.data(), "--out", u},
                new String[] {"adapt", "--method", "dann", "--source", "mnist", "--target", "mnist-m-style", "--out", u},
                new String[] {"multitask", "--data", "multimnist", "--out", u},
                new String[] {"text-finetune", "--data", "wordnet-topics-small", "--out", u},
                new String[] {"quickstart", "--out", u},
                new String[] {"hub", "pull", "alice/tiny", "--local-dir", u});
        for (String[] args : verbs) {
            CliRun r = CliRun.run(args);
            assertEquals(1, r.code, String.join(" ", args) + ": " + r.err);
            assertTrue(r.err.contains("folder " + u + " is not empty (README.md)") && r.err.contains("--overwrite"), args[0] + ": " + r.err);
            assertEquals(1, r.err.strip().lines().count(), "one line: " + r.err);
            assertEquals(List.of("README.md"), Files.list(used).map(p -> p.getFileName().toString()).toList(), args[0]);
        }
        assertTrue(CliRun.run("finetune", "--model", "small_cnn", "--data", box.data(), "--out", u).err.contains("--resume " + u));

        // pretrain also writes the catalogue's weights folder: replacing weights others start from needs the same consent
        Path weights = Weights.catalogueDir("small_cnn." + dev.graft.train.Pretrain.tagFor(box.data()));
        Files.createDirectories(weights);
        Files.writeString(weights.resolve("model.safetensors"), "earlier weights");
        CliRun r = CliRun.run("pretrain", "--model", "small_cnn", "--data", box.data(), "--out", tmp.resolve("fresh").toString());
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("folder " + weights + " is not empty") && r.err.contains("--overwrite"), r.err);
        assertEquals("earlier weights", Files.readString(weights.resolve("model.safetensors")));
    }

    @Test
    void aDivergedRunExitsNonZeroAndKeepsTheGoodModel() throws Exception {
        Path runDir = tmp.resolve("runs/good");
        CliRun good = CliRun.run("--seed", "2", "finetune", "--model", "small_cnn", "--data", box.data(), "--strategy", "scratch",
                "--epochs", "1", "--batch-size", "4", "--out", runDir.toString());
        assertEquals(0, good.code, good.err);
        byte[] model = Files.readAllBytes(runDir.resolve("model.safetensors"));
        String card = Files.readString(runDir.resolve("README.md"));

        CliRun again = CliRun.run("finetune", "--model", "small_cnn", "--data", box.data(), "--strategy", "scratch", "--epochs", "1",
                "--batch-size", "4", "--out", runDir.toString());
        assertEquals(1, again.code, "the second run is refused: " + again.err);

        CliRun nan = CliRun.run("--seed", "2", "finetune", "--model", "small_cnn", "--data", box.data(), "--strategy", "scratch",
                "--epochs", "2", "--batch-size", "4", "--lr", "1e30", "--clip", "0", "--out", runDir.toString(), "--overwrite");
        assertNotEquals(0, nan.code, nan.out);
        assertTrue(nan.err.contains("training diverged") && nan.err.contains("nothing was exported"), nan.err);
        assertArrayEquals(model, Files.readAllBytes(runDir.resolve("model.safetensors")), "the good model is untouched");
        assertEquals(card, Files.readString(runDir.resolve("README.md")));

        CliRun pre = CliRun.run("pretrain", "--model", "small_cnn", "--data", box.data(), "--epochs", "1", "--batch-size", "4", "--lr", "1e30",
                "--clip", "0", "--out", tmp.resolve("runs/pre").toString());
        assertNotEquals(0, pre.code, pre.out);
        assertTrue(pre.err.contains("training diverged"), pre.err);
    }

    @Test
    void predictRefusesADecompressionBombInOneLine() throws Exception {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(2).withSeed(1));
        Path dir = tmp.resolve("model");
        Weights.save(m, dir);
        Path bomb = tmp.resolve("bomb.png");
        TestFiles.bombPng(bomb, 40000, 40000);
        CliRun r = CliRun.run("predict", "--model", dir.toString(), bomb.toString());
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.contains("40000x40000") && r.err.contains("over the limit") && r.err.contains("GRAFT_MAX_IMAGE_PIXELS"), r.err);
        assertEquals(1, r.err.strip().lines().count(), r.err);
        Path big = tmp.resolve("big.png");
        BufferedImage img = new BufferedImage(2000, 2000, BufferedImage.TYPE_BYTE_GRAY);
        ImageIO.write(img, "png", big.toFile());
        CliRun ok = CliRun.run("predict", "--model", dir.toString(), big.toString());
        assertEquals(0, ok.code, ok.err);
    }

    @Test
    void modelsRunChecksDtypeAndShapeAgainstTheModel() throws Exception {
        ModelBase m = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withNumClasses(4).withSeed(2));
        Path w = tmp.resolve("w.safetensors");
        Weights.saveStateDict(m, w);
        Path in = tmp.resolve("in.safetensors");
        Path outFile = tmp.resolve("out.safetensors");
        try (NDManager nd = NDManager.newBaseManager()) {
            NDArray u8 = nd.randomUniform(0f, 255f, new Shape(2, 1, 28, 28)).toType(DataType.UINT8, false);
            SafeTensors.write(in, Map.of("input", u8), null);
            CliRun r = CliRun.run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString());
            assertEquals(1, r.code, r.err);
            assertTrue(r.err.contains("is U8") && r.err.contains("takes float32"), r.err);

            SafeTensors.write(in, Map.of("input", nd.randomUniform(0f, 1f, new Shape(2, 3, 28, 28))), null);
            r = CliRun.run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString());
            assertEquals(1, r.code, r.err);
            assertTrue(r.err.contains("2 x 3 x 28 x 28") && r.err.contains("takes N x 1 x 28 x 28"), r.err);

            SafeTensors.write(in, Map.of("input", nd.randomUniform(0f, 1f, new Shape(2, 1, 32, 32))), null);
            r = CliRun.run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString());
            assertEquals(1, r.code, r.err);
            assertTrue(r.err.contains("--img-size 32"), r.err);
            r = CliRun.run("models", "run", "small_cnn", "--weights", w.toString(), "--input", in.toString(), "--output", outFile.toString(),
                    "--img-size", "32");
            assertEquals(0, r.code, r.err);
            assertTrue(Files.isRegularFile(outFile));
        }
    }
}
