package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.cli.OverwriteOption;
import dev.graft.cli.PrintingVerb;
import dev.graft.text.LmFineTuner;
import dev.graft.text.TextGenerator;
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
 * {@code graft lm-finetune --model M --data TEXTFILE --out DIR}: causal-LM fine-tuning of a GPT-2 on
 * a plain text, with the held-out perplexity before and after; the folder gets transformers'
 * config.json, model.safetensors and the tokenizer.json, which {@code graft generate} takes.
 */
@Command(name = "lm-finetune", description = "Fine-tune a GPT-2 language model on a plain text (next-token prediction); "
        + "prints the held-out perplexity before and after and writes the model folder.")
public final class LmFinetuneCommand extends PrintingVerb {
    @Option(names = "--model", required = true, paramLabel = "M", description = "A GPT-2 model folder: local-dir:DIR or hf-hub:org/name.")
    String model;

    @Option(names = "--data", required = true, paramLabel = "TEXTFILE", description = "A UTF-8 text file; its last blocks are held out.")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model folder to write.")
    Path out;

    @Mixin
    LmTrainingOptions training;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(data)) {
            throw new GraftException("no text file at " + data, "give a UTF-8 text file to --data");
        }
        String text = Files.readString(data, StandardCharsets.UTF_8);
        LmFineTuner.Options o = LmFineTuner.Options.defaults().withSeed(Globals.seed);
        o = training.apply(o);
        Path dir = overwrite.claim(out, null);
        try (TextGenerator gen = TextGenerator.load(model)) {
            LmFineTuner.Result r = LmFineTuner.fit(gen.model(), gen.tokenizer(), text, o);
            Weights.save(gen.model(), dir);
            gen.tokenizer().save(dir);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", gen.model().name());
            doc.put("out", dir.toString());
            doc.put("train_blocks", r.trainBlocks());
            doc.put("validation_blocks", r.validationBlocks());
            doc.put("perplexity_before", r.perplexityBefore());
            doc.put("perplexity_after", r.perplexityAfter());
            doc.put("steps", r.steps());
            doc.put("seconds", r.seconds());
            printResult(doc, String.format(Locale.ROOT, "%s on %s: held-out perplexity %.2f -> %.2f (%d train, %d held-out blocks, %d steps, %.0f s) -> %s",
                    gen.model().name(), data.getFileName(), r.perplexityBefore(), r.perplexityAfter(), r.trainBlocks(), r.validationBlocks(),
                    r.steps(), r.seconds(), dir));
        }
        return 0;
    }
}
