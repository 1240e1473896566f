package dev.graft.cli.train;

import dev.graft.cli.Globals;
import dev.graft.cli.OverwriteOption;
import dev.graft.cli.PrintingVerb;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import dev.graft.fewshot.EpisodicEvaluation;
import dev.graft.fewshot.ImageEpisodes;
import dev.graft.fewshot.ProtoNetTraining;
import dev.graft.train.RunDirectory;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.Zoo;
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
 * {@code graft fewshot-train --model conv4 --data emoji-google,emoji-twitter}: episodic Prototypical
 * Network training of an image model's embedding on the seen classes (the train split), then N-way
 * K-shot episodes on the unseen ones (the test split); see {@link ProtoNetTraining}.
 */
@Command(name = "fewshot-train", description = "Train an image embedding for few-shot classification (Prototypical Networks) on the seen classes of one or "
        + "more image data sets, then score 5-way 1- and 5-shot episodes on their unseen classes; writes the model, a card and episodes.png.")
public final class FewshotTrainCommand extends PrintingVerb {
    @Option(names = "--model", defaultValue = "conv4", paramLabel = "M",
            description = "An image model of the zoo, trained from random weights unless it names pretrained ones (default: ${DEFAULT-VALUE}, "
                    + "the paper's embedding).")
    String model;

    @Option(names = "--data", required = true, split = ",", paramLabel = "D[,D...]",
            description = "Image data sets whose train split holds the seen classes, e.g. emoji-google or emoji-google,emoji-twitter (classes joined by name).")
    List<String> data;

    @Option(names = "--ways", paramLabel = "N", description = "Classes per training episode (default: 20).")
    Integer ways;

    @Option(names = "--shots", paramLabel = "K", description = "Support images per class in training (default: 5).")
    Integer shots;

    @Option(names = "--queries", paramLabel = "Q", description = "Query images per class in training (default: 5).")
    Integer queries;

    @Option(names = "--episodes", paramLabel = "N", description = "Training episodes (default: 1000).")
    Integer episodes;

    @Option(names = "--lr", paramLabel = "LR", description = "Adam's learning rate, halved every 2000 episodes (default: 1e-3).")
    Double lr;

    @Option(names = "--eval-episodes", defaultValue = "200", paramLabel = "N",
            description = "5-way episodes on each data set's unseen classes after training, 1- and 5-shot (0: none) (default: ${DEFAULT-VALUE}).")
    int evalEpisodes;

    @Option(names = "--out", paramLabel = "DIR", description = "The run folder (default: runs/fewshot-train-<model>-<data>-s<seed>).")
    Path out;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        ProtoNetTraining.Options d = ProtoNetTraining.Options.defaults();
        ProtoNetTraining.Options o = new ProtoNetTraining.Options(ways != null ? ways : d.ways(), shots != null ? shots : d.shots(),
                queries != null ? queries : d.queries(), episodes != null ? episodes : d.episodes(), lr != null ? lr : d.learningRate(), Globals.seed);
        String dataName = String.join("+", data);
        Path dir = overwrite.claim(out != null ? out : RunDirectory.defaultDir("fewshot-train-" + model + "-" + dataName + "-s" + o.seed()), null);
        List<ImageData> seen = new ArrayList<>();
        List<ImageData> unseen = new ArrayList<>();
        for (String name : data) {
            var splits = Datasets.load(name, o.seed());
            seen.add(splits.train());
            unseen.add(splits.test());
        }
        GraftModel m = Zoo.create(model, CreateOptions.defaults().withNumClasses(0).withSeed(o.seed()));
        ProtoNetTraining.Result r = ProtoNetTraining.train(m, ProtoNetTraining.together(seen), o);
        Map<String, EpisodicEvaluation.Result> scores = new LinkedHashMap<>();
        if (evalEpisodes > 0) {
            for (int i = 0; i < data.size(); i++) {
                for (int k : new int[] {1, 5}) {
                    scores.put(data.get(i) + " 5-way " + k + "-shot", ImageEpisodes.run(m, unseen.get(i), null, 5, k, 15, evalEpisodes, o.seed()));
                }
            }
        }
        String recipe = "graft --seed " + o.seed() + " fewshot-train --model " + model + " --data " + String.join(",", data) + " --ways " + o.ways()
                + " --shots " + o.shots() + " --queries " + o.queries() + " --episodes " + o.episodes();
        ProtoNetTraining.save(m, r, o, dataName, scores, dir, recipe);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model);
        doc.put("data", data);
        doc.put("out", dir.toString());
        doc.put("classes", r.classes());
        doc.put("episodes", r.episodes());
        doc.put("train_query_accuracy", ProtoNetTraining.Result.lastMean(r.episodeAccuracy(), 100));
        doc.put("seconds", r.seconds());
        Map<String, Object> u = new LinkedHashMap<>();
        scores.forEach((k, v) -> u.put(k, Map.of("accuracy", v.mean(), "ci95", v.ci95(), "episodes", v.episodes())));
        doc.put("unseen", u);
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s on %d seen classes of %s: %d episodes of %d-way %d-shot, query accuracy %.1f%% "
                + "(last 100), %.0f s -> %s", model, r.classes(), dataName, r.episodes(), o.ways(), o.shots(),
                100 * ProtoNetTraining.Result.lastMean(r.episodeAccuracy(), 100), r.seconds(), dir));
        scores.forEach((k, v) -> text.append(String.format(Locale.ROOT, "%n  unseen %s: accuracy %.2f%% ± %.2f (%d episodes)", k, 100 * v.mean(),
                100 * v.ci95(), v.episodes())));
        printResult(doc, text.toString());
        return 0;
    }
}
