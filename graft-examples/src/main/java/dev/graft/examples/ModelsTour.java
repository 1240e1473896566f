package dev.graft.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.graft.weights.LoadReport;
import dev.graft.weights.SafeTensors;
import dev.graft.zoo.Weights;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Zoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The catalogue and weights API of {@code docs/models.md}: creating models by name and from weight
 * sources, a pretrained BERT sentence encoder, saving and loading weights, and reading and writing
 * safetensors files. Run in a folder holding the files the calls name ({@code torchvision_resnet50.safetensors},
 * {@code runs/...}); {@link CreateAndPredict} needs none.
 */
public final class ModelsTour {
    private ModelsTour() {}

    public static void main(String[] args) {
        catalogue();
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(manager, false);
            bert(manager, ps);
            GraftModel model = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
            weights(model);
            NDArray logits = model.forward(ps, manager.zeros(new Shape(1, 1, 28, 28)), false);
            safetensors(Path.of("w.safetensors"), logits);
        }
    }

    static void catalogue() {
        // example:begin create
        GraftModel m = Zoo.create("resnet18");                                   // random weights, 1000 classes
        GraftModel a = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
        GraftModel b = Zoo.create("small_resnet", CreateOptions.defaults().withPretrained(true).withNumClasses(5)); // first tag, new head
        GraftModel c = Zoo.create("resnet50", CreateOptions.defaults()
                .withSource("file:torchvision_resnet50.safetensors").withInChans(1));     // grey input, RGB filters summed
        GraftModel d = Zoo.create("local-dir:runs/mnist/model");                 // architecture from config.json
        List<String> names = Zoo.list(List.of("resnet*"), List.of("*101"), false);
        // example:end create
        // example:begin families
        GraftModel convnext = Zoo.create("convnext_tiny", CreateOptions.defaults().withNumClasses(10));   // timm keys
        GraftModel b0 = Zoo.create("efficientnet_b0", CreateOptions.defaults().withNumClasses(10));
        GraftModel small = Zoo.create("mobilenetv3_small_100", CreateOptions.defaults().withNumClasses(10));
        GraftModel hfVit = Zoo.create("hf_vit_base_patch16_224", CreateOptions.defaults().withNumClasses(3)); // transformers keys
        Weights.save(hfVit, Path.of("out/vit-3"));          // transformers' config.json + preprocessor_config.json
        // example:end families
        System.out.println(List.of(m.name(), a.name(), b.name(), c.name(), d.name()) + " of " + names);
        System.out.println(List.of(convnext.name(), b0.name(), small.name(), hfVit.name()));
    }

    static void bert(NDManager manager, ParameterStore ps) {
        // example:begin bert
        GraftModel m = Zoo.create("bert_minilm_l6_h384.sentence_transformers", CreateOptions.defaults().withPretrained(true).withNumClasses(4));
        NDArray ids = manager.create(new long[][] {{101, 7592, 2088, 102}});         // from TextTokenizer
        NDArray sentence = m.forwardHead(ps, m.forwardFeatures(ps, ids, false), false, true);   // 1 x 384
        GraftModel tuned = Zoo.create("local-dir:runs/topics/model");                 // a Graft/HF BERT folder
        GraftModel sst2 = Zoo.create("local-dir:distilbert-sst2");                    // DistilBertForSequenceClassification
        NDArray logits = ((ModelBase) sst2).predict(ids);                             // 1 x 2, as transformers computes them
        // example:end bert
        System.out.println(sentence.getShape() + ", " + tuned.numClasses() + " classes, " + logits.getShape());
    }

    static void weights(GraftModel model) {
        // example:begin weights
        Weights.save(model, Path.of("out/model"));                    // folder with both files
        GraftModel again = Weights.load(Path.of("out/model"));         // = Zoo.create("local-dir:out/model")
        LoadReport r = Weights.loadInto(model, Path.of("w.safetensors"), /* strict */ false);
        Weights.saveStateDict(model, Path.of("w.safetensors"));        // the state dict alone
        Path dir = Weights.catalogueDir("small_cnn.graft_mnist");       // GRAFT_HOME/weights/small_cnn.graft_mnist
        // example:end weights
        System.out.println(again.name() + ", " + r + ", " + dir);
    }

    static void safetensors(Path path, NDArray logits) {
        // example:begin safetensors
        try (SafeTensors st = SafeTensors.open(path); NDManager nd = NDManager.newBaseManager()) {
            NDArray w = st.toNDArray(nd, "conv1.weight");
            Map<String, String> meta = st.metadata();
        }
        SafeTensors.write(path, Map.of("logits", logits), Map.of("format", "pt"));
        // example:end safetensors
    }
}
