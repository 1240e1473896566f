package dev.graft.cli;

import dev.graft.progress.Output;
import dev.graft.util.Json;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code graft models create NAME --out DIR}: timm's {@code create_model} as a command. The folder
 * holds {@code config.json} and {@code model.safetensors} with PyTorch's keys, which
 * {@code local-dir:DIR}, {@code graft hub push} and PyTorch's strict {@code load_state_dict} take.
 */
@Command(name = "create", description = "Create a model by name (random, or --pretrained weights; a new head with --num-classes) "
        + "and write it as config.json + model.safetensors.")
public final class ModelsCreateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "arch or arch.tag, e.g. resnet18 or small_cnn.graft_mnist, "
            + "or a config.json file (transformers' or timm's) whose architecture is made with random weights")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model folder to write.")
    Path out;

    @Option(names = "--pretrained", description = "Load the name's weights (its tag, else the architecture's first tag).")
    boolean pretrained;

    @Option(names = "--num-classes", paramLabel = "N", description = "Classifier outputs; another count than the weights' gives a new head, 0 none.")
    Integer numClasses;

    @Option(names = "--in-chans", paramLabel = "C", description = "Input channels (pretrained first-conv filters are adapted).")
    Integer inChans;

    @Option(names = "--max-shard-size", paramLabel = "SIZE",
            description = "Split the weights as transformers' save_pretrained(max_shard_size=...) does when larger, e.g. 5GB, 500MB: "
                    + "model-0000i-of-0000n.safetensors + model.safetensors.index.json.")
    String maxShardSize;

    @Mixin
    OverwriteOption overwrite;

    @Override
    public Integer call() throws Exception {
        Long shardBytes = maxShardSize == null ? null : Checkpoint.parseSize(maxShardSize);
        Path dir = overwrite.claim(out, null);
        CreateOptions o = CreateOptions.defaults().withPretrained(pretrained).withSeed(Globals.seed);
        if (numClasses != null) {
            o = o.withNumClasses(numClasses);
        }
        if (inChans != null) {
            o = o.withInChans(inChans);
        }
        String arch = name;
        Path config = Path.of(name);
        if (name.endsWith(".json") && Files.isRegularFile(config)) {
            // Reading the config registers its architecture (a transformers shape is registered on the fly).
            PretrainedCfg cfg = PretrainedCfg.read(config);
            arch = cfg.architecture();
            if (numClasses == null) {
                o = o.withNumClasses(cfg.numClasses());
            }
        }
        GraftModel model = Zoo.create(arch, o);
        if (shardBytes == null) {
            Weights.save(model, dir);
        } else {
            Weights.save(model, dir, model.cfg(), shardBytes);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("name", model.name());
        result.put("out", dir.toString());
        result.put("parameters", model.numParams());
        result.put("num_classes", model.numClasses());
        if (Output.json()) {
            System.out.println(Json.MAPPER.writeValueAsString(result));
        } else {
            System.out.printf("%s -> %s (%,d parameters, %d classes)%n", model.name(), dir, model.numParams(), model.numClasses());
        }
        return 0;
    }
}
