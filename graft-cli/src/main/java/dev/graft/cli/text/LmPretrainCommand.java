package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.cli.OverwriteOption;
import dev.graft.cli.PrintingVerb;
import dev.graft.text.LmFineTuner;
import dev.graft.text.LmPretrainer;
import dev.graft.text.WordNetGlosses;
import dev.graft.train.Pretrain;
import dev.graft.zoo.Weights;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code graft lm-pretrain --model gpt2_graft_small --data wordnet-glosses}: trains a GPT-2
 * architecture from random weights (the global {@code --seed}) on a text, into the catalogue folder
 * of its Graft tag ({@code GRAFT_HOME/weights/<arch>.graft_<data>/}, as {@code graft pretrain} does)
 * or {@code --out}; see {@link LmPretrainer}.
 */
@Command(name = "lm-pretrain", description = "Pretrain a GPT-2 architecture from random weights on a text (GPT-2's vocabulary); "
        + "prints the held-out perplexity and writes config.json, model.safetensors (float16) and a model card.")
public final class LmPretrainCommand extends PrintingVerb {
    @Option(names = "--model", required = true, paramLabel = "ARCH", description = "A GPT-2 architecture, e.g. gpt2_graft_small or gpt2_tiny.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "D", description = "wordnet-glosses (WordNet 3.1's glosses, in Graft) or a UTF-8 text file.")
    String data;

    @Option(names = "--max-chars", paramLabel = "N", description = "Train on the text's first N characters, whole lines (default: all).")
    Long maxChars;

    @Option(names = "--out", paramLabel = "DIR", description = "The folder to write (default: the catalogue folder of <arch>.graft_<data>).")
    Path out;

    @Mixin
    LmTrainingOptions training;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        long limit = maxChars == null ? 0 : maxChars;
        String text;
        String dataName;
        if (data.equals(WordNetGlosses.NAME)) {
            text = WordNetGlosses.text(limit);
            dataName = WordNetGlosses.NAME;
        } else {
            Path file = Path.of(data);
            if (!Files.isRegularFile(file)) {
                throw new GraftException("no data set or text file '" + data + "'", "give --data " + WordNetGlosses.NAME + " or a UTF-8 text file");
            }
            String all = Files.readString(file, StandardCharsets.UTF_8);
            text = limit > 0 && all.length() > limit ? all.substring(0, (int) limit) : all;
            dataName = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        }
        LmFineTuner.Options o = LmPretrainer.defaults().withSeed(Globals.seed);
        o = training.apply(o);
        Path dir = overwrite.claim(out != null ? out : Weights.catalogueDir(model + "." + Pretrain.tagFor(dataName)), null);
        String recipe = "graft --seed " + o.seed() + " lm-pretrain --model " + model + " --data " + data
                + (maxChars != null ? " --max-chars " + maxChars : "");
        LmPretrainer.Result r = LmPretrainer.pretrain(model, text, dataName, o, dir, recipe);
        LmFineTuner.Result t = r.training();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model);
        doc.put("data", dataName);
        doc.put("chars", text.length());
        doc.put("out", dir.toString());
        doc.put("train_blocks", t.trainBlocks());
        doc.put("validation_blocks", t.validationBlocks());
        doc.put("perplexity_random_init", t.perplexityBefore());
        doc.put("perplexity", t.perplexityAfter());
        doc.put("steps", t.steps());
        doc.put("seconds", t.seconds());
        doc.put("samples", r.samples());
        printResult(doc, String.format(Locale.ROOT, "%s on %s (%,d characters): held-out perplexity %.2f (random weights %.0f; %d train, %d held-out blocks, "
                + "%d steps, %.0f s) -> %s", model, dataName, text.length(), t.perplexityAfter(), t.perplexityBefore(), t.trainBlocks(),
                t.validationBlocks(), t.steps(), t.seconds(), dir));
        return 0;
    }
}
