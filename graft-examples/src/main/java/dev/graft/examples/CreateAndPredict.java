package dev.graft.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dev.graft.data.ImageData;
import dev.graft.train.ModelInput;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Creates models by name from the catalogue: a pretrained MNIST classifier that reads three digits
 * drawn here, and the same pretrained backbone with a new, untrained head for another task. The
 * weights of {@code small_cnn.graft_mnist} ship inside Graft, so this runs offline on a fresh machine.
 */
public final class CreateAndPredict {
    private CreateAndPredict() {}

    public static void main(String[] args) {
        ImageData digits = drawDigits();
        // example:begin predict
        GraftModel model = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        try (NDManager nd = NDManager.newBaseManager()) {
            // resized, converted and normalised as the weights expect
            NDArray x = ModelInput.prepare(digits, model.cfg()).batch(nd, new int[] {0, 1, 2});
            NDArray probs = model.forward(new ParameterStore(nd, false), x, false).softmax(1);
            for (int i = 0; i < 3; i++) {
                int best = (int) probs.get(i).argMax().getLong();     // MNIST's class index is the digit
                System.out.printf(Locale.ROOT, "drawn %d -> %d (%.1f%%)%n", digits.label(i), best, 100 * probs.getFloat(i, best));
            }
        }
        // example:end predict

        // example:begin new-head
        // the pretrained backbone with a new 5-class head; train it with FineTune (see FineTuneStrategies)
        GraftModel five = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true).withNumClasses(5));
        System.out.println(five.name() + ": " + five.numClasses() + " classes, " + five.numParams() + " parameters");
        // example:end new-head
    }

    /** Three digits (0, 1, 7) drawn with strokes, light on dark like MNIST; no fonts needed. */
    static ImageData drawDigits() {
        int size = 28;
        List<String> names = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        int[] labels = {0, 1, 7};
        float[] pixels = new float[labels.length * size * size];
        for (int i = 0; i < labels.length; i++) {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.setStroke(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            switch (labels[i]) {
                case 0 -> g.drawOval(8, 5, 12, 18);
                case 1 -> g.drawLine(14, 5, 14, 23);
                default -> {
                    g.drawLine(8, 6, 20, 6);
                    g.drawLine(20, 6, 12, 23);
                }
            }
            g.dispose();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    pixels[i * size * size + y * size + x] = img.getRaster().getSample(x, y, 0) / 255f;
                }
            }
        }
        return new ImageData("drawn-digits", names, 1, size, size, pixels, labels);
    }
}
