package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.cli.Globals;
import dev.graft.cli.hub.LocalHub;
import dev.graft.cli.hub.ModelPublisher;
import dev.graft.peft.LoraAdapter;
import dev.graft.peft.Ia3Config;
import dev.graft.peft.PromptTuningConfig;
import dev.graft.peft.LoraConfig;
import dev.graft.peft.PeftConfig;
import dev.graft.progress.Output;
import dev.graft.text.TextCharts;
import dev.graft.text.TextClassifierFiles;
import dev.graft.text.TextData;
import dev.graft.text.TextDatasets;
import dev.graft.text.TextEncoder;
import dev.graft.text.TextFineTuner;
import dev.graft.text.TextSplits;
import dev.graft.train.Strategy;
import dev.graft.util.Json;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code graft text-finetune}: a text classifier from a pretrained encoder, by head, partial or full fine-tuning. */
@Command(name = "text-finetune", description = "Fine-tune a text classifier on a text data set: --strategy head, partial, full, lora, ia3 or prompt-tuning.")
public final class TextFinetuneCommand extends TextVerb {
    @Option(names = "--data", defaultValue = "wordnet-topics-small", paramLabel = "D",
            description = "Text data set or a .csv/.jsonl file with text,label (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--strategy", defaultValue = "head", paramLabel = "S",
            description = "head (frozen encoder, cached vectors), partial (top layers + head), full, lora (low-rank adapters + head), ia3 (IA3 scaling vectors + head) or prompt-tuning (virtual tokens + head)"
                    + " (default: ${DEFAULT-VALUE}).")
    String strategy;

    @Mixin
    dev.graft.cli.train.LoraOptions lora;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: 60 for head, 3 otherwise).")
    Integer epochs;

    @Option(names = "--top-layers", defaultValue = "2", paramLabel = "K", description = "Layers partial trains (default: ${DEFAULT-VALUE}).")
    int topLayers;

    @Option(names = "--lr", paramLabel = "X", description = "Encoder learning rate (default: 1e-4 partial, 5e-5 full, 1e-3 lora, 3e-3 ia3, 3e-2 prompt-tuning).")
    Float lr;

    @Option(names = "--no-probe", description = "For partial/full: start from a zero head instead of a linear probe.")
    boolean noProbe;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: GRAFT_HOME/runs/text-STRATEGY-TIMESTAMP).")
    Path out;

    @Mixin
    dev.graft.cli.OverwriteOption overwrite;

    @Option(names = "--push", paramLabel = "REPO", description = "Publish the model to the local hub as REPO (namespace/name).")
    String push;

    @Override
    public Integer call() throws Exception {
        Strategy s = TextFineTuner.parseStrategy(strategy);
        ModelPublisher.checkRepo(push); // before training, with the hub's own rule
        TextFineTuner.Options o = TextFineTuner.Options.defaults(s).withSeed(Globals.seed).withTopLayers(Math.max(1, topLayers));
        if (epochs != null) {
            o = o.withEpochs(epochs);
        }
        if (lr != null) {
            o = o.withLearningRate(lr);
        }
        Path run = out != null ? out : GraftHome.dir("runs").resolve("text-" + s.id() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        overwrite.claim(run, null);
        TextSplits splits = TextDatasets.load(data, Globals.seed);
        TextData train = splits.train();
        TextData test = splits.test();
        PrintWriter w = stdout();
        try (TextEncoder enc = textModel.open()) {
            TextFineTuner.Result r;
            PeftConfig loraConfig = s == Strategy.LORA ? lora.apply(TextFineTuner.defaultLora(enc))
                    : s == Strategy.IA3 ? lora.apply(TextFineTuner.defaultIa3(enc))
                    : s == Strategy.PROMPT_TUNING ? lora.apply(TextFineTuner.defaultPromptTuning(enc)) : null;
            if (loraConfig != null && s != Strategy.PROMPT_TUNING) {
                LoraAdapter.checkTargets(enc.linearLayers(), loraConfig);  // before any training
            }
            if (s == Strategy.HEAD) {
                r = TextFineTuner.fit(enc, train, splits.validation(), o, null, "head");
            } else {
                TextFineTuner.Result probe = noProbe ? null : TextFineTuner.fit(enc, train, splits.validation(),
                        TextFineTuner.Options.defaults(Strategy.HEAD).withSeed(Globals.seed), null, "linear probe");
                r = TextFineTuner.fit(enc, train, splits.validation(), o, probe == null ? null : probe.head(), s.id(), loraConfig);
            }
            double acc = r.head().accuracy(enc.embed(test.texts(), "embed test"), test.labels());
            Path modelDir = run.resolve("model");
            String recipe = s.id() + (s == Strategy.PARTIAL ? " (top " + o.topLayers() + " layers + head)" : "")
                    + (loraConfig instanceof LoraConfig lc ? " (r " + lc.r() + " on " + lc.targetsText() + " + head)" : "")
                    + (loraConfig instanceof Ia3Config || loraConfig instanceof PromptTuningConfig ? " (" + loraConfig.targetsText() + " + head)" : "")
                    + ", " + o.epochs() + " epochs";
            Path adapterDir = run.resolve("adapter");
            if (r.adapter() != null) {
                // adapter/ is PEFT's folder; model/ the merged classifier, the encoder's own layout with no extra parameters
                r.adapter().save(adapterDir, "text-classification", r.adapter().cardBody((s == Strategy.LORA ? "LoRA" : s == Strategy.IA3 ? "IA3" : "Prompt-tuning")
                        + " adapter of " + loraConfig.baseModel() + " for " + data, data));
                if (s != Strategy.PROMPT_TUNING) {
                    r.adapter().merge();
                }
            }
            boolean writesModel = s != Strategy.PROMPT_TUNING;   // virtual tokens merge into no weights: the run is its adapter
            if (writesModel) {
                TextClassifierFiles.save(enc, r.head(), modelDir, TextClassifierFiles.card(enc, data, recipe, acc, test.size(),
                        Globals.seed));
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("data", data);
            metrics.put("model", enc.name());
            metrics.put("options", o);
            metrics.put("history", r.history());
            metrics.put("trained_parameters", r.trainedParameters());
            if (r.adapter() != null) {
                metrics.put(s.id(), loraConfig);
                metrics.put("adapter_bytes", Files.size(adapterDir.resolve(LoraAdapter.WEIGHTS_FILE)));
            }
            metrics.put("seconds", r.seconds());
            metrics.put("test_accuracy", acc);
            Files.createDirectories(run);
            Json.MAPPER.writeValue(run.resolve("metrics.json").toFile(), metrics);
            curves(r, run);
            String pushed = null;
            if (push != null) {
                pushed = LocalHub.push(r.adapter() != null ? adapterDir : modelDir, push, "text-finetune " + recipe + " on " + data);
            }
            if (Output.json()) {
                metrics.put("run", run.toString());
                metrics.put("hub_repo", pushed == null ? null : push);
                w.println(Json.MAPPER.writeValueAsString(metrics));
            } else {
                w.println("| epoch | train loss | train accuracy | validation accuracy | seconds |");
                w.println("|---|---|---|---|---|");
                for (TextFineTuner.Epoch e : r.history()) {
                    w.printf(Locale.ROOT, "| %d | %.4f | %.1f%% | %.1f%% | %.1f |%n", e.epoch(), e.trainLoss(), e.trainAccuracy() * 100,
                            e.validationAccuracy() * 100, e.seconds());
                }
                w.printf(Locale.ROOT, "%n%s on %s: test accuracy %.1f%% (%d texts), %,d parameters trained in %.1f s%n", s.id(), data,
                        acc * 100, test.size(), r.trainedParameters(), r.seconds());
                w.println("Run directory: " + run + " (metrics.json, loss.png" + (writesModel ? ", model/" : "") + (r.adapter() != null ? ", adapter/" : "") + ")");
                if (pushed != null) {
                    w.println("Published to the local hub as " + push + "; see it with ./graft hub serve");
                }
            }
        }
        w.flush();
        return 0;
    }

    private static void curves(TextFineTuner.Result r, Path run) {
        double[] loss = new double[r.history().size()];
        double[] val = new double[r.history().size()];
        for (int i = 0; i < loss.length; i++) {
            loss[i] = r.history().get(i).trainLoss();
            val[i] = r.history().get(i).validationAccuracy();
        }
        try {
            TextCharts.lines(List.of("train loss", "validation accuracy"), List.of(loss, val), "Fine-tuning", "epoch", run.resolve("loss.png"));
        } catch (GraftException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            Output.warn("chart skipped: " + e + " (install fontconfig and a font, e.g. fonts-dejavu-core)");
        }
    }
}
