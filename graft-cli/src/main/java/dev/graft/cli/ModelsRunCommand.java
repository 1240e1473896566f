package dev.graft.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.graft.GraftException;
import dev.graft.progress.Output;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code graft models run}: one inference pass from safetensors to safetensors. */
@Command(name = "run", description = "Run a model in inference mode on the tensor 'input' (NCHW float32) of a safetensors file.")
public final class ModelsRunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "NAME", description = "Architecture, e.g. resnet18 (or arch.tag).")
    String name;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "State dict with PyTorch keys.")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "IN.safetensors", description = "File holding the tensor 'input'.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.safetensors", description = "Where the tensor 'output' (logits) goes.")
    Path output;

    @Option(names = "--num-classes", paramLabel = "N", description = "Classifier outputs of the weights (default: the architecture's).")
    Integer numClasses;

    @Option(names = "--non-strict", description = "Load even if keys are missing or unexpected (they are reported).")
    boolean nonStrict;

    @Override
    public Integer call() {
        try (SafeTensors in = SafeTensors.open(input); NDManager nd = NDManager.newBaseManager()) {
            if (!in.contains("input")) {
                throw new GraftException(input + " has no tensor named 'input'", "save the images as 'input' (N, C, H, W) float32");
            }
            long[] shape = in.info("input").shape();
            if (shape.length != 4) {
                throw new GraftException("tensor 'input' has " + shape.length + " dimensions", "give images as N x C x H x W");
            }
            CreateOptions o = new CreateOptions().source("file:" + weights.toAbsolutePath()).strict(!nonStrict)
                    .inChans((int) shape[1]).imgSize((int) shape[2]);
            if (numClasses != null) {
                o = o.numClasses(numClasses);
            }
            ModelBase model = (ModelBase) Zoo.create(name, o);
            NDArray x = in.toNDArray(nd, "input").toType(DataType.FLOAT32, false);
            long t0 = System.nanoTime();
            NDArray y = model.predict(x);
            Output.note(String.format("%s: %s -> %s in %.0f ms", model.name(), x.getShape(), y.getShape(), (System.nanoTime() - t0) / 1e6));
            SafeTensors.write(output, Map.of("output", y), Map.of("model", name, "format", "pt"));
        }
        return 0;
    }
}
