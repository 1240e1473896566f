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
 * printing the new tokens as they come (with {@code --json}, one document at the end). Several
 * prompts ({@code --prompt} repeated, or {@code --prompt-file}) run as one left-padded batch
 * ({@link TextGenerator#generate(List, GenerationConfig)}) and print when all are done.
 */
@Command(name = "generate", description = "Continue a prompt with a GPT-2 language model (a KV cache: one position per new token), "
        + "greedy or sampled; the text is printed as it is generated.")
public final class GenerateCommand extends PrintingVerb {
    @Option(names = "--model", required = true, paramLabel = "M",
            description = "A GPT-2 model: a folder (local-dir:DIR, transformers' config.json + model.safetensors) or hf-hub:org/name.")
    String model;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "The text to continue (repeatable: the prompts run as one batch).")
    List<String> prompts;

    @Option(names = "--prompt-file", paramLabel = "FILE", description = "A UTF-8 file of prompts, one a line (blank lines skipped), run as one batch.")
    Path promptFile;

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
        List<String> all = new java.util.ArrayList<>(prompts == null ? List.of() : prompts);
        if (promptFile != null) {
            try {
                java.nio.file.Files.readAllLines(promptFile).stream().filter(l -> !l.isBlank()).forEach(all::add);
            } catch (java.io.IOException e) {
                throw new GraftException("cannot read " + promptFile + ": " + e.getMessage(), "give a UTF-8 text file with one prompt a line");
            }
        }
        if (all.isEmpty()) {
            throw new GraftException("no prompt", "give --prompt TEXT (repeatable) or --prompt-file FILE");
        }
        try (TextGenerator gen = open()) {
            if (all.size() > 1) {
                return batch(gen, all, c);
            }
            String prompt = all.get(0);
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

    /** Several prompts in one batch: each prompt and its continuation, or one JSON document with a result per prompt. */
    private int batch(TextGenerator gen, List<String> all, GenerationConfig c) {
        long t0 = System.nanoTime();
        List<TextGenerator.Result> results = gen.generate(all, c);
        double seconds = (System.nanoTime() - t0) / 1e9;
        int tokens = results.stream().mapToInt(r -> r.ids().length).sum();
        PrintWriter out = stdout();
        if (Output.json()) {
            List<Map<String, Object>> docs = new java.util.ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                TextGenerator.Result r = results.get(i);
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("prompt", all.get(i));
                d.put("text", r.text());
                d.put("prompt_ids", r.promptIds());
                d.put("ids", r.ids());
                d.put("finish_reason", r.finishReason());
                d.put("new_tokens", r.ids().length);
                docs.add(d);
            }
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", gen.model().name());
            doc.put("results", docs);
            doc.put("seconds", Math.round(seconds * 1000) / 1000.0);
            printJson(doc);
        } else {
            for (int i = 0; i < all.size(); i++) {
                out.println(all.get(i) + results.get(i).text());
            }
            out.flush();
            Output.note(String.format(java.util.Locale.ROOT, "%s: %d prompts, %d new tokens in %.2f s (one batch)", gen.model().name(),
                    all.size(), tokens, seconds));
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
