package dev.graft.adapt.data;

import dev.graft.GraftException;
import dev.graft.data.DataSplits;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.data.builtin.Packages;
import dev.graft.progress.Output;
import dev.graft.util.FileTrees;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code mnist-m-style}: MNIST digits blended over colour photos the way Ganin et al. (2016) built
 * MNIST-M: each digit d, binarised at half intensity, is combined with a random patch p of a photo as
 * {@code |p - d|} per colour channel, so strokes invert the background. Ganin used BSDS500; the photos
 * here are the nine colour photographs shipped in Debian's {@code python3-skimage} data folder
 * (astronaut, chelsea, coffee, hubble_deep_field, ihc, motorcycle_left/right, retina, rocket),
 * taken from the installed package or extracted with {@code apt-get download} + {@code dpkg -x}
 * (nothing is installed). With nine photos instead of hundreds, each patch is a random square of 28 to
 * 84 pixels, scaled to 28x28 and randomly flipped, for more variety. 3x28x28, 10 classes: the first
 * 25,000 images of MNIST's training split and all 10,000 test images.
 *
 * <pre>{@code
 * DataSplits mm = Datasets.load("mnist-m-style", 42);   // needs mnist, fetched first if missing
 * }</pre>
 */
public final class MnistMStyleSource extends GeneratedSource {
    /** The Debian package whose data folder holds the photos. */
    public static final String DEBIAN_PACKAGE = "python3-skimage";
    static final String DATA_FOLDER = "usr/lib/python3/dist-packages/skimage/data";
    static final List<String> PHOTOS = List.of("astronaut.png", "chelsea.png", "coffee.png", "hubble_deep_field.jpg", "ihc.png",
            "motorcycle_left.png", "motorcycle_right.png", "retina.jpg", "rocket.jpg");
    private static final long GENERATION_SEED = 20_160_001L;
    private static final int TRAIN_SIZE = 25_000;

    private final String digitsSource;
    private final int trainLimit;

    /** The built-in source over {@code mnist}. */
    public MnistMStyleSource() {
        this("mnist-m-style", "mnist", TRAIN_SIZE);
    }

    /** A source over another 1x28x28 data set (tests use a small generated one). */
    public MnistMStyleSource(String name, String digitsSource, int trainLimit) {
        super(name);
        this.digitsSource = digitsSource;
        this.trainLimit = trainLimit;
    }

    @Override
    public String description() {
        return digitsSource + " digits blended |photo - digit| over colour photos (MNIST-M-style, Debian " + DEBIAN_PACKAGE
                + " photos), 3x28x28, 10 classes (generated)";
    }

    @Override
    protected Generated generate(Path d) {
        DataSplits digits = Datasets.load(digitsSource, 0);
        if (digits.train().channels() != 1) {
            throw new GraftException("'" + digitsSource + "' has " + digits.train().channels() + " channels; MNIST-M-style blending needs gray digits",
                    "build it from a gray digit data set such as mnist");
        }
        List<BufferedImage> photos = photos(d.resolve(".work"));
        Output.note("generating " + name + ": blending " + digitsSource + " digits over " + photos.size() + " photos");
        SplittableRandom rng = new SplittableRandom(GENERATION_SEED);
        ImageData train = digits.train();
        int n = Math.min(trainLimit, train.size());
        int[] first = new int[n];
        for (int i = 0; i < n; i++) {
            first[i] = i;
        }
        ImageData blendedTrain = blend(name + "-train", train.subset("digits", first), photos, rng);
        ImageData blendedTest = blend(name + "-test", digits.test(), photos, rng);
        try {
            Files.write(d.resolve("photos.txt"), PHOTOS, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new GraftException("cannot write to " + d + ": " + e.getMessage(), "check that GRAFT_HOME is writable", e);
        }
        FileTrees.deleteQuietly(d.resolve(".work"));
        return new Generated(blendedTrain, blendedTest);
    }

    /** Ganin's blend: binarised digit, random photo patch, {@code |patch - digit|} per channel. */
    static ImageData blend(String name, ImageData digits, List<BufferedImage> photos, SplittableRandom rng) {
        int n = digits.size();
        float[] out = new float[n * 3 * 784];
        float[] px = digits.pixels();
        BufferedImage patch = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < n; i++) {
            BufferedImage photo = photos.get(rng.nextInt(photos.size()));
            int side = 28 + rng.nextInt(57);
            int x0 = rng.nextInt(photo.getWidth() - side + 1);
            int y0 = rng.nextInt(photo.getHeight() - side + 1);
            boolean flip = rng.nextBoolean();
            Graphics2D g = patch.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            if (flip) {
                g.drawImage(photo, 28, 0, 0, 28, x0, y0, x0 + side, y0 + side, null);
            } else {
                g.drawImage(photo, 0, 0, 28, 28, x0, y0, x0 + side, y0 + side, null);
            }
            g.dispose();
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    float digit = px[i * 784 + y * 28 + x] > 0.5f ? 1f : 0f;
                    int rgb = patch.getRGB(x, y);
                    for (int c = 0; c < 3; c++) {
                        float p = ((rgb >> (16 - 8 * c)) & 0xFF) / 255f;
                        out[((i * 3) + c) * 784 + y * 28 + x] = Math.abs(p - digit);
                    }
                }
            }
        }
        return new ImageData(name, digits.classNames(), 3, 28, 28, out, digits.labels().clone());
    }

    /** The photos, from an installed python3-skimage or from its package extracted into {@code work}. */
    static List<BufferedImage> photos(Path work) {
        Path installed = Path.of("/").resolve(DATA_FOLDER);
        Path folder = installed;
        if (!PHOTOS.stream().allMatch(p -> Files.isRegularFile(installed.resolve(p)))) {
            Output.note("fetching photos: apt-get download " + DEBIAN_PACKAGE + " (extracted, not installed)");
            try {
                FileTrees.deleteQuietly(work);
                Files.createDirectories(work);
            } catch (IOException e) {
                throw new GraftException("cannot create " + work + ": " + e.getMessage(), "check that GRAFT_HOME is writable", e);
            }
            folder = Packages.aptDownloadAndExtract(DEBIAN_PACKAGE, work, "mnist-m-style", null).resolve(DATA_FOLDER);
        }
        List<BufferedImage> out = new ArrayList<>();
        for (String p : PHOTOS) {
            try {
                BufferedImage img = dev.graft.data.io.ImageFiles.decode(folder.resolve(p), 0, 0);
                if (img == null || img.getWidth() < 84 || img.getHeight() < 84) {
                    throw new IOException("not a readable photo of at least 84x84");
                }
                out.add(img);
            } catch (IOException e) {
                throw new GraftException("cannot read photo " + p + " from " + DEBIAN_PACKAGE + ": " + e.getMessage(),
                        "install it (apt-get install " + DEBIAN_PACKAGE + ") and fetch mnist-m-style again", e);
            }
        }
        return out;
    }
}
