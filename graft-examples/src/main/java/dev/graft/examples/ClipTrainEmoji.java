package dev.graft.examples;

import dev.graft.zeroshot.ClipEvaluation;
import dev.graft.zeroshot.ClipTrainer;
import dev.graft.zeroshot.EmojiClip;
import dev.graft.zeroshot.ImageZeroShot;
import dev.graft.zeroshot.ZeroShotClassifier;
import java.nio.file.Path;
import java.util.List;

/**
 * CLIP-style training (LiT: the MiniLM text tower locked, a small ViT trained) on the seen emoji of
 * Noto, then zero-shot on the unseen ones of Twemoji, by name. One epoch here to keep it short;
 * {@code graft clip-train} runs the same. Argument: the output folder.
 */
public final class ClipTrainEmoji {
    private ClipTrainEmoji() {}

    public static void main(String[] args) {
        Path out = Examples.outDir(args, "clip-train");
        // example:begin clip-train
        ClipTrainer.Options o = ClipTrainer.Options.defaults().withEpochs(1);        // LiT, ViT 64 px + all-MiniLM-L6-v2
        EmojiClip.Run run = EmojiClip.run(o, List.of("emoji-google"), List.of("emoji-twitter"), 50, out.resolve("clip"), null);
        for (ClipEvaluation.Result r : run.results()) {
            System.out.printf("%s: 20-way zero-shot %.1f%% (chance 5%%)%n", r.test(), 100 * r.zeroShotWays());
        }
        try (ImageZeroShot zs = ImageZeroShot.open(out.resolve("clip").toString())) {  // the folder: VisionTextDualEncoder layout
            ZeroShotClassifier labels = zs.classifier(List.of("red apple", "grinning face", "rocket"), List.of("an emoji of {}."));
            System.out.println(labels.weights().length + " label vectors");
        }
        // example:end clip-train
    }
}
