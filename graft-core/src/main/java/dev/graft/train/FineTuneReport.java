package dev.graft.train;

import dev.graft.GraftException;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a fine-tuning run leaves besides its metrics: the plots, the exported model with its card
 * (base model, data, strategy, test metrics as the Hub's model-index) and {@code report.md}, all from
 * the run's final {@link FineTune.RunSpec}, so a resumed run reports what the first one set out to do.
 */
final class FineTuneReport {
    private final FineTune.RunSpec spec;

    /** A lora run's folders: PEFT's adapter, and the merged model (other strategies export the model into the run folder itself). */
    static final String ADAPTER_DIR = "adapter";
    static final String MERGED_DIR = "model";

    FineTuneReport(FineTune.RunSpec spec) {
        this.spec = spec;
    }

    void write(RunDirectory run, GraftModel model, PretrainedCfg baseCfg, FineTuneResult r, int trainSize) {
        try {
            if (r.probe() != null) {
                Charts.probePath(r.probe(), run.root().resolve(RunDirectory.CURVES));
            } else {
                Charts.learningCurves(r.history(), run.root().resolve(RunDirectory.CURVES));
            }
            Charts.confusion(r.test().confusion(), r.test().classNames(), run.root().resolve(RunDirectory.CONFUSION));
        } catch (IOException e) {
            throw new GraftException("cannot write plots into " + run.root() + ": " + e.getMessage(), "check the folder is writable", e);
        }
        // a model from the hub names its repository (the Hugging Face base_model convention), so the hub links the two
        String base = !spec.strategy().usesPretrained() ? null : spec.model().startsWith("hf-hub:") ? spec.model().substring(7) : baseCfg.name();
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("base_model", base == null ? "none (random initialisation)" : base);
        provenance.put("dataset", spec.data());
        provenance.put("strategy", spec.strategy().id());
        provenance.put("freeze_stages", spec.freezeStages());
        provenance.put("labels_per_class", spec.labelsPerClass());
        provenance.put("train_samples", trainSize);
        provenance.put("seed", spec.config().seed());
        provenance.put("config", spec.config());
        provenance.put("test_top1", r.test().top1());
        if (r.probe() != null) {
            provenance.put("head_fit", probeSummary(r.probe()));
        } else {
            provenance.put("best_epoch", r.bestEpoch());
        }
        provenance.put("versions", RunDirectory.versions());
        String tag = "ft_" + FineTune.publicDataName(spec.data()).replaceAll("[^A-Za-z0-9]", "_") + "_" + spec.strategy().id();
        String license = baseCfg.license() == null ? "apache-2.0" : baseCfg.license();
        PretrainedCfg cfg = model.cfg().withNumClasses(r.test().classNames().size(), r.test().classNames())
                .withOrigin(tag, license, "graft finetune", provenance);
        RunDirectory export = spec.strategy() == Strategy.LORA ? new RunDirectory(run.root().resolve(MERGED_DIR)) : run;
        export.exportModel(model, cfg, modelCard(base, license, r), cardBody(base, r, trainSize));
        try {
            Files.writeString(run.root().resolve(RunDirectory.REPORT), report(base, r, trainSize));
        } catch (IOException e) {
            throw new GraftException("cannot write the report: " + e.getMessage(), "check the folder is writable", e);
        }
    }

    private Map<String, Object> modelCard(String base, String license, FineTuneResult r) {
        String dataName = FineTune.publicDataName(spec.data());
        CardFrontMatter fm = new CardFrontMatter(license, "image-classification").withBaseModel(base).withDataset(dataName)
                .withTags("graft", "image-classification", "strategy-" + spec.strategy().id())
                .withResult(spec.model() + "-" + dataName + "-" + spec.strategy().id(), "image-classification", dataName,
                        CardFrontMatter.metric("accuracy", "top-1", round(r.test().top1())),
                        CardFrontMatter.metric("accuracy", "top-5", round(r.test().top5())),
                        CardFrontMatter.metric("loss", "cross-entropy", round(r.test().loss())));
        Map<String, Object> graft = new LinkedHashMap<>();
        graft.put("strategy", spec.strategy().id());
        graft.put("freeze_stages", spec.freezeStages());
        graft.put("seed", spec.config().seed());
        if (r.probe() != null) {
            graft.put("head_fit", probeSummary(r.probe()));
        } else {
            graft.put("epochs_run", r.history().size());
            graft.put("best_epoch", r.bestEpoch());
        }
        graft.put("labels_per_class", spec.labelsPerClass());
        graft.put("versions", RunDirectory.versions());
        return fm.withExtra("graft", graft).toMap();
    }

    private String cardBody(String base, FineTuneResult r, int trainSize) {
        return "# " + spec.model() + " fine-tuned on " + FineTune.publicDataName(spec.data()) + "\n\n"
                + (base == null ? "Trained from random initialisation (strategy `scratch`)."
                        : "Fine-tuned from `" + base + "` with the `" + spec.strategy().id() + "` strategy.")
                + (r.probe() != null
                        ? String.format(Locale.ROOT, " %d training samples; the classifier is a multinomial logistic regression on the"
                                + " frozen features, fitted to convergence (L-BFGS) with L2 penalty %.0e chosen on %s; seed %d.%n%n",
                                trainSize, r.probe().l2(), r.probe().heldOut(), spec.config().seed())
                        : String.format(Locale.ROOT, " %d training samples, %d epochs (best: %d), seed %d.%n%n", trainSize, r.history().size(),
                                r.bestEpoch(), spec.config().seed()))
                + String.format(Locale.ROOT, "Test top-1 %.2f%%, top-5 %.2f%% on %d samples.%n%n", 100 * r.test().top1(),
                        100 * r.test().top5(), r.test().count())
                + "Load it with `Zoo.create(\"local-dir:<this folder>\")` or `graft predict --model <this folder> image.png`.\n"
                + "See `report.md` for the learning curves, per-class metrics and confusion matrix.\n";
    }

    private String report(String base, FineTuneResult r, int trainSize) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Fine-tuning report: ").append(spec.model()).append(" on ").append(spec.data()).append("\n\n");
        sb.append("| | |\n|---|---|\n");
        sb.append("| base model | ").append(base == null ? "none (random initialisation)" : "`" + base + "`").append(" |\n");
        sb.append("| strategy | `").append(spec.strategy().id()).append('`')
                .append(spec.strategy() == Strategy.PARTIAL ? " (" + spec.freezeStages() + " groups frozen)" : "").append(" |\n");
        sb.append("| training samples | ").append(trainSize).append(spec.labelsPerClass() > 0 ? " (" + spec.labelsPerClass() + " per class)" : "").append(" |\n");
        if (r.probe() != null) {
            LinearProbe.Solution s = r.probe().solution();
            sb.append(String.format(Locale.ROOT, "| classifier fit | multinomial logistic regression on the cached features, L-BFGS in double"
                    + " precision: %d iterations, max |gradient| %.1e%s (epochs, batch size and learning rate do not apply) |%n",
                    s.iterations(), s.gradientMax(), s.converged() ? "" : ", stopped at the iteration limit"));
            sb.append(String.format(Locale.ROOT, "| L2 penalty | %.0e, the lowest cross-entropy on %s among %s |%n", s.l2(),
                    r.probe().heldOut(), grid()));
            sb.append(String.format(Locale.ROOT, "| fitting time | %.1f s (penalty sweep and fit) |%n", r.trainSeconds()));
        } else {
            sb.append(String.format(Locale.ROOT, "| optimizer | %s, lr %.3g, momentum %.2f, weight decay %.2g, batch %d |%n",
                    spec.config().optimizer().name().toLowerCase(Locale.ROOT), spec.config().lr(), spec.config().momentum(), spec.config().weightDecay(), spec.config().batchSize()));
            sb.append(String.format(Locale.ROOT, "| schedule | %.1f warm-up epochs, cosine to %.2g x, label smoothing %.2f, clip %.1f |%n",
                    spec.config().warmupEpochs(), spec.config().minLrRatio(), spec.config().labelSmoothing(), spec.config().clipNorm()));
            if (spec.strategy() != Strategy.SCRATCH) {
                sb.append(String.format(Locale.ROOT, "| discriminative LRs | backbone x%.2g, layer decay %.2f |%n", spec.config().backboneLrScale(),
                        spec.config().layerDecay()));
            }
            sb.append(String.format(Locale.ROOT, "| epochs | %d run, best %d%s |%n", r.history().size(), r.bestEpoch(),
                    r.stoppedEarly() ? " (early stopping)" : ""));
            sb.append(String.format(Locale.ROOT, "| training time | %.1f s, %.0f samples/s |%n", r.trainSeconds(), r.imagesPerSecond()));
        }
        sb.append("| seed | ").append(spec.config().seed()).append(" |\n");
        if (spec.fit() > 0) {
            sb.append("| input | images resized to ").append(spec.fit()).append('x').append(spec.fit())
                    .append(" and centred on the model's input with zero padding (`--fit`) |\n");
        }
        if (spec.evalLimit() > 0) {
            sb.append("| evaluation | at most ").append(spec.evalLimit()).append(" validation and test samples (seeded, class-balanced) |\n");
        }
        sb.append("| versions | ").append(RunDirectory.versions()).append(" |\n\n");
        if (r.advice() != null) {
            sb.append("## Advisor\n\n").append(r.advice().reason()).append("\n\n");
            sb.append(String.format(Locale.ROOT, "Fréchet distance %.4g (relative %.4f), LogME %.4f, LEEP %.4f.%n%n", r.advice().frechet(),
                    r.advice().frechetRelative(), r.advice().logme(), r.advice().leep()));
        }
        sb.append("## Results\n\n| split | top-1 | top-5 | loss |\n|---|---|---|---|\n");
        if (r.validation() != null) {
            sb.append(String.format(Locale.ROOT, "| validation | %.2f%% | %.2f%% | %.4f |%n", 100 * r.validation().top1(),
                    100 * r.validation().top5(), r.validation().loss()));
        }
        sb.append(String.format(Locale.ROOT, "| test | %.2f%% | %.2f%% | %.4f |%n%n", 100 * r.test().top1(), 100 * r.test().top5(),
                r.test().loss()));
        sb.append("![learning curves](").append(RunDirectory.CURVES).append(")\n\n");
        sb.append("## Per class (test)\n\n").append(RunDirectory.perClassTable(r.test())).append('\n');
        sb.append("![confusion matrix](").append(RunDirectory.CONFUSION).append(")\n\n");
        if (r.probe() != null) {
            sb.append("## L2 penalty sweep\n\n| L2 | train loss | train top-1 | held-out loss | held-out top-1 | iterations |\n"
                    + "|---|---|---|---|---|---|\n");
            for (LinearProbe.Candidate c : r.probe().path()) {
                String mark = c.l2() == r.probe().l2() ? "**" : "";
                sb.append(String.format(Locale.ROOT, "| %s%.0e%s | %.4f | %.2f%% | %.4f | %.2f%% | %d%s |%n", mark, c.l2(), mark, c.trainLoss(),
                        100 * c.trainTop1(), c.heldOutLoss(), 100 * c.heldOutTop1(), c.iterations(), c.converged() ? "" : " (limit)"));
            }
        }
        sb.append(r.probe() != null ? "" : "## Epochs\n\n| epoch | lr | train loss | train top-1 | val loss | val top-1 | s |\n|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> e : r.history()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.3g | %.4f | %.2f%% | %s | %s | %.1f |%n", e.get("epoch"), (double) e.get("lr"),
                    (double) e.get("train_loss"), 100 * (double) e.get("train_top1"),
                    e.containsKey("val_loss") ? String.format(Locale.ROOT, "%.4f", (double) e.get("val_loss")) : "-",
                    e.containsKey("val_top1") ? String.format(Locale.ROOT, "%.2f%%", 100 * (double) e.get("val_top1")) : "-",
                    (double) e.get("seconds")));
        }
        if (spec.reproduce() != null) {
            sb.append("\n## Reproduce\n\n```bash\n").append(spec.reproduce()).append("\n```\n");
        }
        return sb.toString();
    }

    /** What the card and config.json record about a fitted probe. */
    private static Map<String, Object> probeSummary(LinearProbe.Selection sel) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", "multinomial logistic regression, L-BFGS");
        m.put("l2", sel.l2());
        m.put("l2_chosen_on", sel.heldOut());
        m.put("l2_grid", java.util.Arrays.stream(LinearProbe.L2_GRID).boxed().toList());
        m.put("iterations", sel.solution().iterations());
        m.put("converged", sel.solution().converged());
        return m;
    }

    private static String grid() {
        List<String> g = new ArrayList<>();
        for (double v : LinearProbe.L2_GRID) {
            g.add(String.format(Locale.ROOT, "%.0e", v));
        }
        return String.join(", ", g);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
