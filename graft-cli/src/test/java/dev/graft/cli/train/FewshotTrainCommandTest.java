package dev.graft.cli.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.TrainingSandbox;
import dev.graft.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft fewshot-train}: a Prototypical Network trained on a folder's train split, scored on its test split, written as a loadable folder. */
class FewshotTrainCommandTest {
    @RegisterExtension
    final TrainingSandbox box = new TrainingSandbox();

    @TempDir
    Path tmp;

    @Test
    void trainsScoresAndWritesAFolderThatFewshotLoads() throws Exception {
        Random rnd = new Random(4);
        for (int c = 0; c < 6; c++) {
            for (int i = 0; i < 4; i++) {
                BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 8; x++) {
                        img.getRaster().setSample(x, y, 0, (y == c || x == c ? 220 : 30) + rnd.nextInt(20));
                    }
                }
                Path f = tmp.resolve("lines/c" + c + "/" + i + ".png");
                Files.createDirectories(f.getParent());
                ImageIO.write(img, "png", f.toFile());
            }
        }
        String data = "folder:" + tmp.resolve("lines") + "?test=0.5";
        Path out = tmp.resolve("run");
        CliRun r = CliRun.run("--seed", "3", "--json", "fewshot-train", "--data", data, "--ways", "3", "--shots", "1", "--queries", "1",
                "--episodes", "4", "--eval-episodes", "3", "--out", out.toString());
        assertEquals(0, r.code, r.err);
        JsonNode doc = Json.MAPPER.readTree(r.out);
        assertEquals(6, doc.get("classes").asInt());
        assertEquals(4, doc.get("episodes").asInt());
        assertEquals(3, doc.get("unseen").get(data + " 5-way 1-shot").get("episodes").asInt(), doc.toString());
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")) && Files.isRegularFile(out.resolve("episodes.png")));
        CliRun episodes = CliRun.run("fewshot", "--model", "local-dir:" + out, "--data", data, "--episodes", "3", "--ways", "5", "--shots", "1");
        assertEquals(0, episodes.code, episodes.err);
        assertTrue(episodes.out.contains("5-way 1-shot"), episodes.out);

        CliRun tooMany = CliRun.run("fewshot-train", "--data", data, "--ways", "9", "--episodes", "1", "--out", tmp.resolve("bad").toString());
        assertEquals(1, tooMany.code);
        assertEquals("error: 9-way episodes need 9 classes but " + tmp.resolve("lines").getFileName() + "/train has 6 (use --ways 6 or fewer)",
                tooMany.err.strip().lines().findFirst().orElse(""));
    }
}
