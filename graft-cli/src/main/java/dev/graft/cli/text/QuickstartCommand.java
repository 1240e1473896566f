package dev.graft.cli.text;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.cli.hub.LocalHub;
import dev.graft.progress.Output;
import dev.graft.text.TextQuickstart;
import dev.graft.util.Json;
import dev.graft.zoo.bert.MiniLm;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code graft quickstart}: one pretrained transformer, zero-shot vs few-shot vs probe vs fine-tuning, in minutes. */
@Command(name = "quickstart", description = "MiniLM on WordNet topics: zero-shot, 1/5-shot, linear probe and partial fine-tuning compared.")
public final class QuickstartCommand extends TextVerb {
    /** The hub repository the fine-tuned model goes to. */
    static final String REPO = "local/all-MiniLM-L6-v2-wordnet-topics";

    @Option(names = "--data", defaultValue = "wordnet-topics-small", paramLabel = "D",
            description = "Text data set (default: ${DEFAULT-VALUE}; wordnet-topics for the full one, or a .csv/.jsonl).")
    String data;

    @Option(names = "--partial-epochs", defaultValue = "3", paramLabel = "N", description = "Epochs of partial fine-tuning (default: ${DEFAULT-VALUE}).")
    int partialEpochs;

    @Option(names = "--top-layers", defaultValue = "2", paramLabel = "K", description = "Layers partial fine-tuning trains (default: ${DEFAULT-VALUE}).")
    int topLayers;

    @Option(names = "--draws", defaultValue = "200", paramLabel = "N", description = "Support-set draws per few-shot setting (default: ${DEFAULT-VALUE}).")
    int draws;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: GRAFT_HOME/runs/quickstart-TIMESTAMP).")
    Path out;

    @picocli.CommandLine.Mixin
    dev.graft.cli.OverwriteOption overwrite;

    @Option(names = "--no-push", description = "Do not publish the fine-tuned model to the local hub.")
    boolean noPush;

    @Override
    public Integer call() throws Exception {
        if (out != null) {
            overwrite.claim(out, null);
        }
        boolean freshImport = TextModels.isBuiltin(textModel.name) && !MiniLm.isImported(MiniLm.dir());
        TextQuickstart.Report r = TextQuickstart.run(new TextQuickstart.Options(textModel.name, data, Globals.seed, draws, partialEpochs,
                topLayers, out));
        String pushed = null;
        if (!noPush) {
            try {
                if (freshImport) {
                    TextModels.publishBase();
                }
                pushed = LocalHub.push(r.modelDir(), REPO, String.format(Locale.ROOT, "quickstart: %s, seed %d", data, Globals.seed));
            } catch (GraftException e) {
                Output.warn("the model was not published: " + dev.graft.cli.CliErrors.oneLine(e));
            }
        }
        PrintWriter o = stdout();
        if (Output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("report", r);
            doc.put("hub_repo", pushed == null ? null : REPO);
            o.println(Json.MAPPER.writeValueAsString(doc));
        } else {
            o.printf(Locale.ROOT, "%n%s (%d train / %d test texts, %d topics), all-MiniLM-L6-v2, seed %d%n%n", r.dataset(), r.train(),
                    r.test(), r.classes(), Globals.seed);
            o.print(r.table());
            o.printf(Locale.ROOT, "%nEmbedding the splits once took %.1f s (shared by the first four rows); total %.1f s.%n",
                    r.embedSeconds(), r.totalSeconds());
            o.println("Run directory: " + r.runDir() + " (results.md, metrics.json, accuracy.png, loss.png, confusion.png, model/)");
            if (pushed != null) {
                o.println("Fine-tuned model published to the local hub as " + REPO + ".");
                o.println("See it: ./graft hub serve   then open http://127.0.0.1:8080/" + REPO);
            }
        }
        o.flush();
        return 0;
    }
}
