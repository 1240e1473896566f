package dev.graft.cli.text;

import dev.graft.cli.Globals;
import dev.graft.cli.OverwriteOption;
import dev.graft.cli.PrintingVerb;
import dev.graft.train.RunDirectory;
import dev.graft.zeroshot.ClipEvaluation;
import dev.graft.zeroshot.ClipTrainer;
import dev.graft.zeroshot.EmojiClip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code graft clip-train --mode lit --data emoji-google}: CLIP-style contrastive training on the
 * seen emoji of one or more styles, then zero-shot on the unseen ones; see {@link EmojiClip} and
 * {@link ClipTrainer} (the defaults live there).
 */
@Command(name = "clip-train", description = "Train a CLIP-style image-text dual encoder on the seen emoji (LiT: the MiniLM text tower locked; "
        + "full: both towers), measure zero-shot on the unseen emoji, and write the model folder (VisionTextDualEncoder layout) with its card.")
public final class ClipTrainCommand extends PrintingVerb {
    @Option(names = "--mode", paramLabel = "lit|full", description = "lit: the text tower locked (default); full: both towers trained.")
    String mode = "lit";

    @Option(names = "--data", required = true, split = ",", paramLabel = "D", description = "Emoji styles to train on: emoji-google, emoji-twitter, emoji-openmoji.")
    List<String> data;

    @Option(names = "--eval-data", split = ",", paramLabel = "D", description = "More styles to test on, besides the training ones (default: none).")
    List<String> evalData = new ArrayList<>();

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training images (default: ClipTrainer's).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "N", description = "Image-caption pairs a step (default: ClipTrainer's).")
    Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "AdamW's peak learning rate (default: ClipTrainer's).")
    Double lr;

    @Option(names = "--episodes", paramLabel = "N", description = "20-way episodes of the evaluation (default: 500).")
    int episodes = 500;

    @Option(names = "--fp16", description = "Store the weights as float16.")
    boolean fp16;

    @Option(names = "--out", paramLabel = "DIR", description = "The model folder to write (default: runs/clip-<mode>-<data>).")
    Path out;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        ClipTrainer.Options o = ClipTrainer.Options.defaults().withMode(ClipTrainer.Mode.parse(mode)).withSeed(Globals.seed).withFp16(fp16);
        if (epochs != null) {
            o = o.withEpochs(epochs);
        }
        if (batchSize != null) {
            o = o.withBatchSize(batchSize);
        }
        if (lr != null) {
            o = o.withLearningRate(lr);
        }
        for (String d : data) {
            EmojiClip.dataset(d);   // a wrong name fails before the folder is claimed
        }
        for (String d : evalData) {
            EmojiClip.dataset(d);
        }
        String name = "clip-" + mode.toLowerCase(Locale.ROOT) + "-" + String.join("+", data).replace("emoji-", "emoji_");
        Path dir = overwrite.claim(out != null ? out : RunDirectory.defaultDir(name), null);
        String recipe = "graft --seed " + o.seed() + " clip-train --mode " + mode + " --data " + String.join(",", data)
                + (evalData.isEmpty() ? "" : " --eval-data " + String.join(",", evalData)) + " --epochs " + o.epochs() + " --batch-size "
                + o.batchSize() + " --lr " + o.learningRate() + (fp16 ? " --fp16" : "");
        EmojiClip.Run r = EmojiClip.run(o, data, evalData, episodes, dir, recipe);
        ClipTrainer.Result t = r.training();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("mode", o.mode().name().toLowerCase(Locale.ROOT));
        doc.put("data", data);
        doc.put("out", dir.toString());
        doc.put("images", t.images());
        doc.put("classes", t.classes());
        doc.put("steps", t.steps());
        doc.put("seconds", t.seconds());
        doc.put("epoch_losses", t.epochLosses());
        doc.put("results", r.results());
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s on %s: %d images of %d seen classes, %d steps, %.0f s, loss %.3f -> %.3f -> %s%n",
                o.mode().name().toLowerCase(Locale.ROOT), String.join(",", data), t.images(), t.classes(), t.steps(), t.seconds(),
                t.epochLosses()[0], t.epochLosses()[t.epochLosses().length - 1], dir));
        for (ClipEvaluation.Result e : r.results()) {
            text.append(String.format(Locale.ROOT, "  %-22s unseen %d-way: top-1 %.1f%% top-5 %.1f%% (chance %.2f%%); %d-way zero-shot %.1f%% ± %.1f, "
                    + "1-shot prototypes %.1f%% ± %.1f (chance %.1f%%)%n", e.test(), e.classes(), 100 * e.top1(), 100 * e.top5(), 100 * e.chance(),
                    e.ways(), 100 * e.zeroShotWays(), 100 * e.zeroShotCi95(), 100 * e.oneShotWays(), 100 * e.oneShotCi95(), 100.0 / e.ways()));
        }
        printResult(doc, text.toString().stripTrailing());
        return 0;
    }
}
