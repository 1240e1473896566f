package dev.graft.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Tiny generated image data sets for the CLI tests that train or evaluate. */
public final class TestImages {
    private TestImages() {}

    /**
     * Eight noisy dark and eight noisy light 8 x 8 gray PNGs under {@code dir/pics} (seeded), and the
     * {@code folder:} spec that reads them at 28 x 28 with a quarter each for test and validation.
     */
    public static String darkAndLight(Path dir) throws IOException {
        Random rnd = new Random(3);
        for (int i = 0; i < 8; i++) {
            noisyGray(dir.resolve("pics/dark/" + i + ".png"), 20 + rnd.nextInt(40), rnd);
            noisyGray(dir.resolve("pics/light/" + i + ".png"), 180 + rnd.nextInt(40), rnd);
        }
        return "folder:" + dir.resolve("pics") + "?size=28x28&test=0.25&val=0.25";
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
