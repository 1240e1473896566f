package dev.graft.zoo;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.weights.LoadReport;
import dev.graft.weights.Checkpoint;
import dev.graft.zoo.Zoo.Architecture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one central builder behind {@link Zoo#create}, as timm's {@code create_model} with
 * {@code build_model_with_cfg}: resolves the name or source to an architecture and weights, adapts
 * the configuration to the options (classes, channels, size), builds and initialises the model and
 * loads the weights. The catalogue it reads is {@link Zoo}'s.
 */
final class ModelBuilder {
    private ModelBuilder() {}

    static GraftModel create(String name, CreateOptions options) {
        Engines.pytorch();
        AdapterFolders.Found adapter = AdapterFolders.find(name);
        if (adapter != null) {
            // an adapter's folder (local or on the hub): the base it names, with the adapter
            return adapter.loader().create(adapter.dir(), options);
        }
        String source = options.source();
        String modelName = name;
        ResolvedWeights weights = null;
        if (WeightsSources.hasPrefix(name)) {
            if (source != null && !source.equals(name)) {
                throw new GraftException("model '" + name + "' is already a weights source and source '" + source + "' was given too",
                        "give the source once");
            }
            weights = resolveDescribed(name);
            modelName = weights.cfg().name();
        } else if (source != null) {
            if (WeightsSources.hasPrefix(source)) {
                weights = WeightsSources.resolve(source);
            } else {
                String arch = Zoo.architecture(name).name();
                modelName = arch + "." + source;
                weights = catalogue(modelName);
            }
        } else if (options.pretrained()) {
            if (!name.contains(".")) {
                List<String> tags = Zoo.tagsOf(Zoo.architecture(name).name());
                if (tags.isEmpty()) {
                    throw new GraftException("no pretrained weights for '" + name + "'",
                            "create it without pretrained, or " + ZooException.GIVE_A_SOURCE);
                }
                modelName = name + "." + tags.get(0);
            }
            weights = catalogue(modelName);
        }
        Architecture arch = Zoo.architecture(modelName);
        PretrainedCfg base = (weights != null && weights.cfg() != null ? weights.cfg() : Zoo.cfg(modelName)).withDefaultsFrom(arch.defaultCfg());
        if (!base.architecture().equals(arch.name())) {
            throw new GraftException("the weights' config.json names architecture '" + base.architecture() + "', not '" + arch.name() + "'",
                    "create '" + base.architecture() + "' instead");
        }
        if (weights != null && weights.cfg() != null) {
            checkClasses(weights, base);
        }
        List<Integer> size = base.inputSize() == null ? arch.defaultCfg().inputSize() : base.inputSize();
        if (size == null) {
            return createSequenceModel(arch, base, weights, options);
        }
        int weightsClasses = base.numClasses();
        if (weights != null && weights.cfg() == null) {
            // A bare state dict: its classifier says how many classes the weights were trained for.
            Integer inFile = classesIn(weights.weightsFile(), base.classifier());
            if (inFile != null) {
                weightsClasses = inFile;
            }
        }
        int numClasses = options.numClasses() != null ? options.numClasses() : weightsClasses;
        int inChans = options.inChans() != null ? options.inChans() : size.get(0);
        int imgSize = options.imgSize() != null ? options.imgSize() : size.get(1);
        ModelArgs args = new ModelArgs(numClasses, inChans, imgSize, options.dropRate(), options.dropPathRate());
        PretrainedCfg cfg = base;
        if (numClasses != weightsClasses) {
            cfg = cfg.withNumClasses(numClasses, null);
        }
        if (inChans != size.get(0) || imgSize != size.get(1)) {
            cfg = cfg.withInputSize(List.of(inChans, imgSize, imgSize), adaptStats(cfg.mean(), inChans), adaptStats(cfg.std(), inChans));
        }
        ModelBase model = arch.factory().create(cfg, args);
        return initializeAndLoad(model, new Shape(1, inChans, imgSize, imgSize), weights, options, numClasses != weightsClasses);
    }

    /** A source whose config.json names the architecture (a bare {@code file:} does not) and agrees with its weights. */
    static ResolvedWeights resolveDescribed(String source) {
        ResolvedWeights weights = WeightsSources.resolve(source);
        if (weights.cfg() == null) {
            throw new GraftException(source + " does not say which architecture it holds",
                    "create the architecture by name with this source, e.g. Zoo.create(\"resnet18\", options.withSource(\"" + source + "\"))");
        }
        checkClasses(weights, weights.cfg());
        return weights;
    }

    /**
     * A model without an image input size (a text encoder, input token ids N x L): no channel or
     * size adaptation, otherwise as {@link #create(String, CreateOptions)}.
     */
    private static GraftModel createSequenceModel(Architecture arch, PretrainedCfg base, ResolvedWeights weights, CreateOptions options) {
        if (options.inChans() != null || options.imgSize() != null) {
            throw ZooException.imageOptionsForTokens(arch.name());
        }
        int weightsClasses = base.numClasses();
        if (weights != null && weights.cfg() == null) {
            Integer inFile = classesIn(weights.weightsFile(), base.classifier());
            weightsClasses = inFile != null ? inFile : 0;
        }
        int numClasses = options.numClasses() != null ? options.numClasses() : weightsClasses;
        PretrainedCfg cfg = numClasses != weightsClasses ? base.withNumClasses(numClasses, null) : base;
        // ModelArgs' channel and size are unused by sequence models.
        ModelBase model = arch.factory().create(cfg, new ModelArgs(numClasses, 1, 1, options.dropRate()));
        return initializeAndLoad(model, new Shape(1, 1), weights, options, numClasses != weightsClasses);
    }

    /**
     * Initialises the parameters (the engine seeded first when the options give a seed) for an input
     * of {@code inputShape}, then loads the weights, if any, without the classifier when
     * {@code dropClassifier} (the class count differs from the weights').
     */
    private static GraftModel initializeAndLoad(ModelBase model, Shape inputShape, ResolvedWeights weights, CreateOptions options,
            boolean dropClassifier) {
        NDManager manager = options.manager() != null ? options.manager() : NDManager.newBaseManager();
        if (options.seed() != null) {
            Engine.getInstance().setRandomSeed(options.seed().intValue());
        }
        model.initialize(manager, DataType.FLOAT32, inputShape);
        if (weights != null) {
            LoadReport report = Weights.loadInto(model, weights.weightsFile(), new Weights.LoadOptions(options.strict(), dropClassifier));
            model.setLoadReport(report);
            model.setWeightsDir(weights.weightsFile().toAbsolutePath().getParent());
            if (!report.isExact() || !report.adapted().isEmpty() || !report.skipped().isEmpty() || !report.strippedPrefix().isEmpty()) {
                Output.note(model.name() + ": " + report.summary());
            }
        }
        return model;
    }

    private static ResolvedWeights catalogue(String archDotTag) {
        PretrainedCfg cfg = Zoo.cfg(archDotTag);  // an unknown tag fails here, naming the known ones
        Zoo.ImportedWeights imported = Zoo.importedWeights(archDotTag);
        if (imported != null) {
            if (!imported.importable().getAsBoolean()) {
                throw new GraftException("the weights of " + archDotTag + " cannot be imported here", imported.step());
            }
            // The catalogue cfg (licence, source) describes these weights; the folder's own config is the family's.
            return new ResolvedWeights(imported.ensureImported().get().resolve(ResolvedWeights.WEIGHTS_FILE), cfg, archDotTag);
        }
        Path dir = Weights.catalogueDir(archDotTag);
        Path file = dir.resolve(ResolvedWeights.WEIGHTS_FILE);
        ShippedWeights shipped = Zoo.shippedWeights(archDotTag);
        if (shipped != null && (Files.isRegularFile(file) || shipped.onClassPath())) {
            synchronized (shipped) {
                if (!Files.isRegularFile(file)) {
                    shipped.install(dir);
                }
                // Graft's copy is checked on every load; weights someone made in the folder are theirs.
                if (shipped.isCopyIn(dir)) {
                    shipped.verify(dir);
                    return new ResolvedWeights(file, Zoo.shippedCfg(shipped), archDotTag);
                }
            }
        }
        // Weights made here: model.safetensors, or a sharded checkpoint's index and shards.
        Path found = Checkpoint.find(dir);
        String hub = Zoo.hubWeights(archDotTag);
        if (found == null && hub != null) {
            return fromHub(archDotTag, hub, cfg);
        }
        if (found == null) {
            throw ZooException.weightsNotHere(archDotTag, dir, Zoo.weightsStep(archDotTag));
        }
        Path cfgFile = dir.resolve(ResolvedWeights.CONFIG_FILE);
        return new ResolvedWeights(found, Files.isRegularFile(cfgFile) ? PretrainedCfg.read(cfgFile) : cfg, archDotTag);
    }

    /**
     * A tag's weights published on the hub: the repository's config.json (timm's, with its
     * pretrained cfg) describes them, named by the catalogue tag it was fetched for.
     */
    private static ResolvedWeights fromHub(String archDotTag, String hub, PretrainedCfg catalogue) {
        ResolvedWeights w = WeightsSources.resolve(hub);
        PretrainedCfg cfg = w.cfg() == null ? catalogue : w.cfg();
        if (!cfg.architecture().equals(catalogue.architecture())) {
            throw new GraftException(hub + " holds architecture '" + cfg.architecture() + "', not the '" + catalogue.architecture()
                    + "' of " + archDotTag, "create '" + cfg.architecture() + "' from " + hub + " instead");
        }
        if (cfg.tag() == null) {
            cfg = cfg.withOrigin(catalogue.tag(), cfg.license() != null ? cfg.license() : catalogue.license(), hub, cfg.provenance());
        }
        ResolvedWeights described = new ResolvedWeights(w.weightsFile(), cfg, archDotTag);
        checkClasses(described, cfg);
        return described;
    }

    /**
     * A config.json whose class count disagrees with the classifier in the weights it travels with is
     * refused before anything is built: a new head would hide it, and timm would refuse the folder.
     */
    private static void checkClasses(ResolvedWeights weights, PretrainedCfg cfg) {
        Integer inFile = classesIn(weights.weightsFile(), cfg.classifier());
        if (inFile != null && inFile != cfg.numClasses()) {
            Path config = weights.weightsFile().resolveSibling(ResolvedWeights.CONFIG_FILE);
            throw new GraftException(config + " says num_classes=" + cfg.numClasses() + ", but " + cfg.classifier() + ".weight in "
                    + weights.weightsFile() + " has " + inFile + " classes",
                    "set \"num_classes\": " + inFile + " in " + config + ", with " + inFile + " label_names, or give the weights it was written for");
        }
    }

    private static Integer classesIn(Path file, String classifier) {
        if (classifier == null) {
            return null;
        }
        try (var st = Checkpoint.open(file)) {
            // The key as loadInto will find it: possibly under a prefix every key carries (module., model.).
            String key = Weights.keyInCheckpoint(st.names(), classifier + ".weight");
            return key != null && st.info(key).shape().length == 2 ? (int) st.info(key).shape()[0] : null;
        }
    }

    /** Mean/std for another channel count: the average for one channel, repeated cyclically for more. */
    static List<Double> adaptStats(List<Double> stats, int chans) {
        if (stats == null || stats.size() == chans) {
            return stats;
        }
        if (chans == 1) {
            return List.of(stats.stream().mapToDouble(Double::doubleValue).average().orElse(0));
        }
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < chans; i++) {
            out.add(stats.get(i % stats.size()));
        }
        return out;
    }
}
