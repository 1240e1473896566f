package dev.graft.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.graft.data.ImageData;
import dev.graft.data.Pixels;
import dev.graft.data.io.ImageFiles;
import dev.graft.text.TextTokenizer;
import dev.graft.text.VectorClassifier;
import dev.graft.train.ModelInput;
import dev.graft.zeroshot.ZeroShotClassifier;
import dev.graft.zoo.Zoo;
import dev.graft.zoo.clip.ClipModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Zero-shot image classification with CLIP: label prompts embedded by the text tower (open_clip's
 * template averaging), the image by the vision tower, ranked by cosine similarity. Arguments: a CLIP
 * folder in transformers' layout with its tokenizer.json (e.g. a snapshot of openai/clip-vit-base-patch32),
 * an image, and labels.
 */
public final class ClipZeroShot {
    private ClipZeroShot() {}

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "clip-vit-base-patch32");
        Path image = Path.of(args.length > 1 ? args[1] : "cat.jpg");
        List<String> labels = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("cat", "dog", "car");
        // example:begin clip
        ClipModel clip = (ClipModel) Zoo.create("local-dir:" + dir);          // config.json + model.safetensors of CLIPModel
        Pixels p = ImageFiles.read(image);
        ImageData one = new ImageData("query", List.of("?"), p.channels(), p.height(), p.width(), p.values(), new int[] {0});
        try (NDManager nd = NDManager.newBaseManager(); TextTokenizer tok = clip.tokenizer(dir.resolve("tokenizer.json"))) {
            NDArray pixels = ModelInput.prepare(one, clip.cfg()).batch(nd, new int[] {0});   // CLIP's resize, crop, mean, std
            ZeroShotClassifier zeroShot = clip.zeroShot(tok, labels, ZeroShotClassifier.IMAGE_TEMPLATES);
            for (VectorClassifier.Score s : zeroShot.rank(clip.encodeImages(pixels)[0])) {
                System.out.printf(Locale.ROOT, "%-8s %.3f%n", s.label(), s.score());
            }
        }
        // example:end clip
    }
}
