package dev.graft.cli.data;

import dev.graft.GraftException;
import dev.graft.cli.Globals;
import dev.graft.cli.PrintingVerb;
import dev.graft.cli.hub.LocalHub;
import dev.graft.cli.hub.ModelPublisher;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.data.HubDatasetWriter;
import dev.graft.data.ImageData;
import dev.graft.hub.Hub;
import dev.graft.hub.HubConfig;
import dev.graft.hub.protocol.RepoType;
import dev.graft.multitask.HubMultiTask;
import dev.graft.multitask.MultiTaskData;
import dev.graft.multitask.MultiTaskDatasets;
import dev.graft.multitask.MultiTaskSource;
import dev.graft.multitask.MultiTaskSplits;
import dev.graft.text.TextData;
import dev.graft.text.TextDatasets;
import dev.graft.text.TextSource;
import dev.graft.text.TextSplits;
import dev.graft.util.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft data push NAME owner/name}: publishes a data set (built-in, {@code folder:}, {@code idx:},
 * {@code csv:} or a text data set) as a Hugging Face data set repository, which any verb then trains
 * from with {@code --data hf-hub:datasets/owner/name}.
 */
@Command(name = "push", description = "Publish a data set as a hub data set repository (Parquet per split, README card with dataset_info).")
public final class DataPushCommand extends PrintingVerb {
    @Parameters(index = "0", paramLabel = "NAME", description = "Data set: a built-in name (digits, mnist, wordnet-topics, mnist-tasks, ...) or folder:DIR, idx:DIR, csv:FILE.")
    String name;

    @Parameters(index = "1", paramLabel = "REPO", description = "owner/name of the data set repository.")
    String repo;

    @Option(names = "--license", paramLabel = "ID", description = "Licence id for the card (default: the data set's, else unknown).")
    String license;

    @Option(names = {"-m", "--message"}, description = "Commit message (default: \"Publish NAME with graft\").")
    String message;

    @Option(names = "--private", description = "Create the repository as private if it does not exist yet.")
    boolean isPrivate;

    @Override
    public Integer call() throws Exception {
        ModelPublisher.checkRepo(repo);
        Path dir = Files.createTempDirectory("graft-data-push-");
        try {
            Map<String, Integer> counts = new LinkedHashMap<>();
            if (TextDatasets.names().contains(name)) {
                TextSource s = TextDatasets.source(name);
                TextSplits t = s.load(Globals.seed);
                Map<String, TextData> splits = new LinkedHashMap<>();
                splits.put("train", t.train());
                splits.put("validation", t.validation());
                splits.put("test", t.test());
                splits.forEach((k, v) -> counts.put(k, v.size()));
                HubDatasetWriter.writeTexts(splits, dir, new HubDatasetWriter.Info(name, licence(s.license()), s.description()));
            } else if (MultiTaskDatasets.names().contains(name)) {
                MultiTaskSource s = MultiTaskDatasets.source(name);
                s.fetch();
                MultiTaskSplits m = s.load(Globals.seed, 0.0);
                Map<String, MultiTaskData> splits = new LinkedHashMap<>();
                splits.put("train", m.train());
                splits.put("test", m.test());
                splits.forEach((k, v) -> counts.put(k, v.size()));
                HubMultiTask.write(splits, dir, new HubDatasetWriter.Info(name, licence("unknown"), s.description()));
            } else {
                DatasetSource s = Datasets.source(name);
                if (name.startsWith("hf-hub:")) {
                    throw new GraftException("'" + name + "' is already on the hub", "copy it with graft hub pull, then graft hub push --type dataset");
                }
                DataSplits d = DataSetArgument.officialSplits(s);
                Map<String, ImageData> splits = new LinkedHashMap<>();
                splits.put("train", d.train());
                splits.put("test", d.test());
                splits.forEach((k, v) -> counts.put(k, v.size()));
                HubDatasetWriter.writeImages(splits, dir, new HubDatasetWriter.Info(name, licence(s.license()), s.description()));
            }
            String msg = message != null ? message : "Publish " + name + " with graft";
            String endpoint = ModelPublisher.configuredEndpoint();
            String commit = endpoint == null ? LocalHub.push(RepoType.DATASET, dir, repo, msg, isPrivate)
                    : new Hub(HubConfig.fromEnvironment()).push(RepoType.DATASET, repo, dir, "main", msg, isPrivate).commitOid();
            StringJoiner sj = new StringJoiner(", ");
            counts.forEach((k, v) -> sj.add(k + " " + v));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("repo", repo);
            r.put("commit", commit);
            r.put("local", endpoint == null);
            r.put("splits", counts);
            r.put("data", "hf-hub:datasets/" + repo);
            printResult(r, "pushed " + name + " to " + (endpoint == null ? "the local hub" : endpoint) + " as data set " + repo + " (" + sj
                    + "; commit " + commit + "); train from it with --data hf-hub:datasets/" + repo);
            return 0;
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    private String licence(String dflt) {
        return license != null ? license : dflt;
    }
}
