package dev.graft.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For the CLI tests that train: each test gets a GRAFT_HOME of its own and a tiny image data set, in a
 * temporary folder deleted afterwards, with the hub settings cleared (a JUnit extension).
 *
 * <pre>{@code
 * @RegisterExtension
 * final TrainingSandbox box = new TrainingSandbox();
 * CliRun.run("finetune", "--model", "small_cnn", "--data", box.data(), ...);
 * }</pre>
 */
public final class TrainingSandbox implements BeforeEachCallback, AfterEachCallback {
    private Path dir;
    private ClientEnv env;
    private String data;

    /** The GRAFT_HOME of this test. */
    public Path home() {
        return dir.resolve("home");
    }

    /**
     * The {@code folder:} spec of eight noisy dark and eight noisy light 8 x 8 gray PNGs (seeded), read
     * at 28 x 28 with a quarter each for test and validation.
     */
    public String data() {
        return data;
    }

    /** Points the CLI at a hub, for the rest of the test. */
    public void useHub(String endpoint, String token) {
        env = ClientEnv.of(home(), endpoint, token);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("graft-cli-test");
        env = ClientEnv.home(home());
        Random rnd = new Random(3);
        for (int i = 0; i < 8; i++) {
            noisyGray(dir.resolve("pics/dark/" + i + ".png"), 20 + rnd.nextInt(40), rnd);
            noisyGray(dir.resolve("pics/light/" + i + ".png"), 180 + rnd.nextInt(40), rnd);
        }
        data = "folder:" + dir.resolve("pics") + "?size=28x28&test=0.25&val=0.25";
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        env.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void noisyGray(Path f, int v, Random rnd) throws IOException {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                img.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, v + rnd.nextInt(21) - 10)));
            }
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }
}
