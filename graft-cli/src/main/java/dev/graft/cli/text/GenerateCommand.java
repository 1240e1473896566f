package dev.graft.cli.text;

import dev.graft.cli.Globals;
import dev.graft.cli.PrintingVerb;
import dev.graft.progress.Output;
import dev.graft.GraftException;
import dev.graft.text.GenerationConfig;
import dev.graft.text.TextGenerator;
import dev.graft.zoo.WeightsSources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code graft generate --model M --prompt TEXT}: continues a text with a GPT-2 language model,
 * printing the new tokens as they come (with {@code --json}, one document at the end).
 */
@Command(name = "generate", description = "Continue a prompt with a GPT-2 language model (a KV cache: one position per new token), "
        + "greedy or sampled; the text is printed as it is generated.")
public final class GenerateCommand extends PrintingVerb {
    @Option(names = "--model", required = true, paramLabel = "M",
            description = "A GPT-2 model: a folder (local-dir:DIR, transformers' config.json + model.safetensors) or hf-hub:org/name.")
    String model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The text to continue.")
    String prompt;

    @Option(names = "--tokenizer", paramLabel = "FILE|DIR",
            description = "tokenizer.json, or a folder with tokenizer.json or vocab.json + merges.txt (default: the model folder's, else GPT-2's own).")
    Path tokenizer;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens to generate at most (default 20, as transformers).")
    Integer maxNewTokens;

    @Option(names = "--do-sample", description = "Sample instead of taking the most likely token (greedy).")
    boolean doSample;

    @Option(names = "--temperature", paramLabel = "T", description = "Divide the logits by T before sampling (default 1).")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "Sample among the K most likely tokens (default 50; 0: all).")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Sample among the fewest tokens whose probability reaches P (default 1: all).")
    Double topP;

    @Option(names = "--repetition-penalty", paramLabel = "X", description = "Make tokens already in the text less likely (default 1: none; 1.2 is usual).")
    Double repetitionPenalty;

    @Option(names = "--stop", paramLabel = "TEXT", description = "End where this text first appears (repeatable); it is not printed.")
    List<String> stops;

    @Option(names = "--ignore-eos", description = "Go on past the end-of-text token.")
    boolean ignoreEos;

    @Override
    public Integer call() throws Exception {
        GenerationConfig c = GenerationConfig.defaults().withDoSample(doSample).withSeed(Globals.seed).withStopAtEos(!ignoreEos);
        if (maxNewTokens != null) {
            c = c.withMaxNewTokens(maxNewTokens);
        }
        if (temperature != null) {
            c = c.withTemperature(temperature);
        }
        if (topK != null) {
            c = c.withTopK(topK);
        }
        if (topP != null) {
            c = c.withTopP(topP);
        }
        if (repetitionPenalty != null) {
            c = c.withRepetitionPenalty(repetitionPenalty);
        }
        if (stops != null) {
            c = c.withStopStrings(stops);
        }
        try (TextGenerator gen = open()) {
            PrintWriter out = stdout();
            boolean json = Output.json();
            gen.check(prompt, c);  // refused before anything is printed
            if (!json) {
                out.print(prompt);
                out.flush();
            }
            long t0 = System.nanoTime();
            TextGenerator.Result r = gen.generate(prompt, c, json ? null : piece -> {
                out.print(piece);
                out.flush();
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", gen.model().name());
                doc.put("prompt", prompt);
                doc.put("text", r.text());
                doc.put("prompt_ids", r.promptIds());
                doc.put("ids", r.ids());
                doc.put("finish_reason", r.finishReason());
                doc.put("new_tokens", r.ids().length);
                doc.put("seconds", Math.round(seconds * 1000) / 1000.0);
                printJson(doc);
            } else {
                out.println();
                out.flush();
                Output.note(String.format(java.util.Locale.ROOT, "%s: %d prompt + %d new tokens (%s) in %.2f s", gen.model().name(),
                        r.promptIds().length, r.ids().length, r.finishReason(), seconds));
            }
        }
        return 0;
    }

    private TextGenerator open() {
        if (!model.contains(".") && !WeightsSources.hasPrefix(model)) {
            throw new GraftException(model + " is an architecture without weights, so it would generate random tokens",
                    "give a model folder (local-dir:DIR, e.g. one written by graft models create) or hf-hub:org/name");
        }
        return TextGenerator.load(model, tokenizer);
    }
}
