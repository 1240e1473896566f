package dev.graft.zoo;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.graft.GraftException;
import dev.graft.engine.Engines;
import dev.graft.progress.Output;
import dev.graft.weights.LoadReport;
import dev.graft.weights.ResolvedWeights;
import dev.graft.weights.ShippedWeights;
import dev.graft.weights.Weights;
import dev.graft.weights.WeightsSources;
import dev.graft.zoo.bert.BertModels;
import dev.graft.zoo.resnet.ResNets;
import dev.graft.zoo.small.SmallModels;
import dev.graft.zoo.vit.VisionTransformers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model catalogue and the one central builder, as timm's registry and {@code create_model}.
 * Names are {@code arch} or {@code arch.tag}; a tag names a set of weights whose
 * {@link PretrainedCfg} is registered by the family ({@code small_cnn.graft_mnist}) or found on
 * this machine under {@code GRAFT_HOME/weights/<arch>.<tag>/}.
 *
 * <p>A catalogue tag's weights either ship inside Graft ({@link ShippedWeights}, copied into
 * {@code GRAFT_HOME/weights/<arch>.<tag>/} on first use and checked against their sha256), are
 * imported by their family on first use ({@link ImportedWeights}), or are made on this machine
 * ({@code graft pretrain}). Weights made on this machine win over shipped ones of the same name.
 * Only tags that can be created here without a further step are listed as pretrained.
 *
 * <pre>{@code
 * List<String> names = Zoo.list(List.of("resnet*"), List.of("*101"), false);   // resnet18, resnet34, resnet50
 * GraftModel m = Zoo.create("small_cnn.graft_mnist", new CreateOptions().pretrained(true).numClasses(5));
 * GraftModel r = Zoo.create("local-dir:runs/mnist/model");                  // architecture from config.json
 * }</pre>
 */
public final class Zoo {
    /** One registered architecture. */
    public record Architecture(String name, String family, PretrainedCfg defaultCfg, ModelFactory factory) {}

    private static final Map<String, Architecture> ARCHITECTURES = new LinkedHashMap<>();
    private static final Map<String, PretrainedCfg> PRETRAINED = new LinkedHashMap<>();
    private static final Map<String, ImportedWeights> IMPORTED = new LinkedHashMap<>();
    private static final Map<String, ShippedWeights> SHIPPED = new LinkedHashMap<>();
    private static final Map<String, Function<Path, PretrainedCfg>> CONFIG_READERS = new LinkedHashMap<>();

    /**
     * Catalogue weights a family brings itself (e.g. imported from a file on the class path) instead
     * of {@code GRAFT_HOME/weights/<arch>.<tag>/}.
     *
     * @param folder where the folder with {@code model.safetensors} is (or will be), without importing
     * @param ensureImported the folder, importing the weights first if needed
     * @param importable whether the import can run here (e.g. the file it imports from is on the class path)
     * @param step what makes the import possible when it cannot run, for messages
     */
    public record ImportedWeights(Supplier<Path> folder, Supplier<Path> ensureImported, BooleanSupplier importable, String step) {
        /** Weights whose import can always run. */
        public ImportedWeights(Supplier<Path> folder, Supplier<Path> ensureImported) {
            this(folder, ensureImported, () -> true, null);
        }
    }
    private static boolean registered;

    /**
     * The command that makes a catalogue tag's weights: Graft's own tags are named
     * {@code graft_<data set>}, made by {@code graft pretrain --model ARCH --data DATA}.
     */
    public static String pretrainCommand(String archDotTag) {
        int dot = archDotTag.indexOf('.');
        String arch = dot < 0 ? archDotTag : archDotTag.substring(0, dot);
        String tag = dot < 0 ? "" : archDotTag.substring(dot + 1);
        if (tag.startsWith("graft_")) {
            return "graft pretrain --model " + arch + " --data " + tag.substring("graft_".length()).replace('_', '-');
        }
        return "graft pretrain --model " + arch + " --data DATA";
    }

    private Zoo() {}

    private static synchronized void ensureRegistered() {
        if (registered) {
            return;
        }
        registered = true;
        SmallModels.register();
        ResNets.register();
        VisionTransformers.register();
        BertModels.register();
    }

    /** Registers weights of a catalogue tag that the family imports on first use ({@link ImportedWeights}). */
    public static synchronized void registerImportedWeights(String archDotTag, ImportedWeights weights) {
        if (!PRETRAINED.containsKey(archDotTag)) {
            throw new IllegalArgumentException("imported weights '" + archDotTag + "' need a registered pretrained cfg first");
        }
        IMPORTED.put(archDotTag, weights);
    }

    /**
     * Registers the files that ship inside Graft for a catalogue tag ({@link ShippedWeights}); they
     * are copied into {@code GRAFT_HOME/weights/<arch>.<tag>/} on first use.
     */
    public static synchronized void registerShippedWeights(ShippedWeights weights) {
        if (!PRETRAINED.containsKey(weights.name())) {
            throw new IllegalArgumentException("shipped weights '" + weights.name() + "' need a registered pretrained cfg first");
        }
        SHIPPED.put(weights.name(), weights);
    }

    /** The weights that ship inside Graft for a catalogue tag, or null. */
    public static synchronized ShippedWeights shippedWeights(String archDotTag) {
        ensureRegistered();
        return SHIPPED.get(archDotTag);
    }

    /**
     * What must be done before a catalogue tag can be created with its weights on this machine, or
     * null when nothing: weights made here, shipped weights on the class path, or an import that can run.
     */
    public static String missingStep(String archDotTag) {
        ShippedWeights shipped;
        ImportedWeights imported;
        synchronized (Zoo.class) {
            ensureRegistered();
            shipped = SHIPPED.get(archDotTag);
            imported = IMPORTED.get(archDotTag);
        }
        if (imported != null) {
            return imported.importable().getAsBoolean() ? null : imported.step();
        }
        if (Files.isRegularFile(Weights.catalogueDir(archDotTag).resolve(ResolvedWeights.WEIGHTS_FILE))) {
            return null;
        }
        if (shipped != null && shipped.onClassPath()) {
            return null;
        }
        String make = "make them with `" + pretrainCommand(archDotTag) + "`";
        return shipped != null ? shipped.missingStep() + ", or " + make : make;
    }

    /**
     * Registers how to read a foreign {@code config.json} by its {@code model_type} (a Hugging Face
     * transformers config, e.g. {@code bert}) as a {@link PretrainedCfg}; {@link PretrainedCfg#read} uses it.
     */
    public static synchronized void registerConfigReader(String modelType, Function<Path, PretrainedCfg> reader) {
        CONFIG_READERS.put(modelType, reader);
    }

    /** The reader registered for a config.json {@code model_type}, or null. */
    static synchronized Function<Path, PretrainedCfg> configReader(String modelType) {
        ensureRegistered();
        return CONFIG_READERS.get(modelType);
    }

    /** Whether a catalogue tag's weights are imported by their family on first use ({@link ImportedWeights}). */
    public static synchronized boolean isImported(String archDotTag) {
        ensureRegistered();
        return IMPORTED.containsKey(archDotTag);
    }

    /**
     * The folder holding (or meant to hold) a catalogue tag's weights: the family's own import
     * folder for imported weights, else {@code GRAFT_HOME/weights/<arch>.<tag>/}. Nothing is imported.
     */
    public static Path weightsDir(String archDotTag) {
        ImportedWeights imported;
        synchronized (Zoo.class) {
            ensureRegistered();
            imported = IMPORTED.get(archDotTag);
        }
        return imported != null ? imported.folder().get() : Weights.catalogueDir(archDotTag);
    }

    /** Registers an architecture (one line per variant in a family's registration). */
    public static synchronized void register(String name, String family, PretrainedCfg defaultCfg, ModelFactory factory) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("architecture names are lower-case words with digits and '_': " + name);
        }
        ARCHITECTURES.put(name, new Architecture(name, family, defaultCfg, factory));
    }

    /** Registers a family's pretrained configurations, keyed {@code arch.tag} (timm's generate_default_cfgs). */
    public static synchronized void registerPretrained(Map<String, PretrainedCfg> cfgs) {
        for (Map.Entry<String, PretrainedCfg> e : cfgs.entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            if (dot < 0 || !ARCHITECTURES.containsKey(key.substring(0, dot))) {
                throw new IllegalArgumentException("pretrained cfg '" + key + "' must be keyed arch.tag of a registered architecture");
            }
            PRETRAINED.put(key, e.getValue());
        }
    }

    /** Every registered architecture, in registration order. */
    public static synchronized Collection<Architecture> architectures() {
        ensureRegistered();
        return List.copyOf(ARCHITECTURES.values());
    }

    /** The architecture of {@code arch} or {@code arch.tag}; a {@link GraftException} with suggestions if unknown. */
    public static synchronized Architecture architecture(String name) {
        ensureRegistered();
        String arch = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
        Architecture a = ARCHITECTURES.get(arch);
        if (a == null) {
            throw new GraftException("unknown model '" + name + "'", suggestions(arch));
        }
        return a;
    }

    private static String suggestions(String arch) {
        String stem = arch.replaceAll("[0-9_].*$", "");
        List<String> close = ARCHITECTURES.keySet().stream()
                .filter(n -> !stem.isEmpty() && (n.startsWith(stem) || n.contains(stem))).sorted(NATURAL).toList();
        return close.isEmpty() ? "see `graft models list` for the catalogue" : "did you mean " + String.join(", ", close) + "?";
    }

    /**
     * Tags that can be created with weights here, sorted naturally: catalogue tags with no
     * {@link #missingStep missing step} plus folders under GRAFT_HOME/weights.
     */
    public static synchronized List<String> pretrainedNames() {
        ensureRegistered();
        Set<String> names = new TreeSet<>(NATURAL);
        for (String name : PRETRAINED.keySet()) {
            if (missingStep(name) == null) {
                names.add(name);
            }
        }
        names.addAll(localTags());
        return List.copyOf(names);
    }

    private static List<String> localTags() {
        Path root = dev.graft.GraftHome.root().resolve("weights");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isRegularFile(p.resolve(ResolvedWeights.WEIGHTS_FILE)))
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.indexOf('.') > 0 && ARCHITECTURES.containsKey(n.substring(0, n.indexOf('.'))))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** timm's {@code list_models(filter)}: architectures matching any of the wildcard patterns. */
    public static List<String> list(String... patterns) {
        return list(List.of(patterns), List.of(), false);
    }

    /**
     * timm's {@code list_models}: names matching any pattern (fnmatch: {@code * ? [seq] [!seq]}; none =
     * all), minus those matching an exclude pattern, naturally sorted ({@code resnet18} before
     * {@code resnet101}). With {@code pretrained} the names are {@code arch.tag} for every set of
     * weights, and a pattern without a dot also matches every tag of its architectures.
     */
    public static List<String> list(List<String> patterns, List<String> excludes, boolean pretrained) {
        ensureRegistered();
        Set<String> candidates = new LinkedHashSet<>();
        List<String> include = new ArrayList<>(patterns);
        List<String> exclude = new ArrayList<>(excludes);
        if (pretrained) {
            candidates.addAll(pretrainedNames());
        } else {
            synchronized (Zoo.class) {
                candidates.addAll(ARCHITECTURES.keySet());
            }
            // A pattern naming tags ("small_cnn.*") lists tagged names too.
            if (include.stream().anyMatch(p -> p.contains("."))) {
                candidates.addAll(pretrainedNames());
            }
        }
        List<Pattern> inc = include.stream().map(Zoo::fnmatch).toList();
        List<Pattern> exc = exclude.stream().map(Zoo::fnmatch).toList();
        TreeSet<String> out = new TreeSet<>(NATURAL);
        for (String c : candidates) {
            boolean in = inc.isEmpty() ? !c.contains(".") || pretrained : inc.stream().anyMatch(p -> matches(p, c));
            if (in && exc.stream().noneMatch(p -> matches(p, c))) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** A pattern matches the whole name, or (without a dot of its own) the architecture part of {@code arch.tag}. */
    private static boolean matches(Pattern p, String name) {
        if (p.matcher(name).matches()) {
            return true;
        }
        int dot = name.indexOf('.');
        return dot > 0 && !p.pattern().contains("\\Q.\\E") && p.matcher(name.substring(0, dot)).matches();
    }

    /** Python's {@code fnmatch.translate}: {@code *}, {@code ?}, {@code [seq]}, {@code [!seq]}; case-sensitive. */
    static Pattern fnmatch(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        int n = glob.length();
        while (i < n) {
            char c = glob.charAt(i++);
            if (c == '*') {
                re.append(".*");
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && glob.charAt(j) == '!') {
                    j++;
                }
                if (j < n && glob.charAt(j) == ']') {
                    j++;
                }
                while (j < n && glob.charAt(j) != ']') {
                    j++;
                }
                if (j >= n) {
                    re.append("\\[");
                } else {
                    String body = glob.substring(i, j).replace("\\", "\\\\");
                    i = j + 1;
                    if (body.startsWith("!")) {
                        body = "^" + body.substring(1);
                    } else if (body.startsWith("^")) {
                        body = "\\" + body;
                    }
                    re.append('[').append(body).append(']');
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    /** timm's {@code _natural_key}: digit runs compare as numbers, the rest case-insensitively. */
    public static final Comparator<String> NATURAL = (a, b) -> {
        List<Object> ka = naturalKey(a);
        List<Object> kb = naturalKey(b);
        for (int i = 0; i < Math.min(ka.size(), kb.size()); i++) {
            Object x = ka.get(i);
            Object y = kb.get(i);
            int c;
            if (x instanceof java.math.BigInteger bx && y instanceof java.math.BigInteger by) {
                c = bx.compareTo(by);
            } else if (x instanceof java.math.BigInteger) {
                c = -1;
            } else if (y instanceof java.math.BigInteger) {
                c = 1;
            } else {
                c = ((String) x).compareTo((String) y);
            }
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(ka.size(), kb.size());
        return c != 0 ? c : a.compareTo(b);
    };

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private static List<Object> naturalKey(String s) {
        List<Object> key = new ArrayList<>();
        Matcher m = DIGITS.matcher(s.toLowerCase(java.util.Locale.ROOT));
        int last = 0;
        String low = s.toLowerCase(java.util.Locale.ROOT);
        while (m.find()) {
            key.add(low.substring(last, m.start()));
            key.add(new java.math.BigInteger(m.group()));
            last = m.end();
        }
        key.add(low.substring(last));
        return key;
    }

    /**
     * The configuration a name stands for: the tag's (catalogue, or {@code config.json} of local
     * weights) or the architecture's default.
     */
    public static PretrainedCfg cfg(String name) {
        Architecture a = architecture(name);
        if (!name.contains(".")) {
            return a.defaultCfg();
        }
        Path local = Weights.catalogueDir(name).resolve(ResolvedWeights.CONFIG_FILE);
        ShippedWeights shipped = shippedWeights(name);
        if (Files.isRegularFile(local) && (shipped == null || !shipped.isCopyIn(local.getParent()))) {
            return PretrainedCfg.read(local);
        }
        if (shipped != null && shipped.onClassPath()) {
            return shippedCfg(shipped);
        }
        synchronized (Zoo.class) {
            PretrainedCfg c = PRETRAINED.get(name);
            if (c == null) {
                throw new GraftException("model '" + name + "' has no tag '" + name.substring(name.indexOf('.') + 1) + "'",
                        tagsOf(a.name()).isEmpty() ? a.name() + " has no pretrained weights; create it without a tag"
                                : "tags of " + a.name() + ": " + tagsOf(a.name()));
            }
            return c;
        }
    }

    /**
     * The config.json that ships with the weights (recipe, seed, measured accuracy), its notes replaced
     * by the catalogue's: pretraining wrote "trained on this machine", and the catalogue names the data's licence.
     */
    private static PretrainedCfg shippedCfg(ShippedWeights shipped) {
        PretrainedCfg c = shipped.cfg();
        PretrainedCfg entry;
        synchronized (Zoo.class) {
            entry = PRETRAINED.get(shipped.name());
        }
        Map<String, Object> prov = new LinkedHashMap<>(c.provenance() == null ? Map.of() : c.provenance());
        if (entry.provenance() != null && entry.provenance().get("notes") != null) {
            prov.put("notes", entry.provenance().get("notes"));
        }
        prov.put("shipped_in", ShippedWeights.ARTIFACT);
        return c.withOrigin(c.tag(), c.license(), c.source(), prov);
    }

    /** The catalogue and local tags of one architecture, e.g. {@code [graft_mnist, graft_fashion_mnist]}. */
    public static List<String> tagsOf(String arch) {
        List<String> tags = new ArrayList<>();
        for (String n : pretrainedNames()) {
            if (n.startsWith(arch + ".")) {
                tags.add(n.substring(arch.length() + 1));
            }
        }
        // The first registered catalogue tag is the default, as in timm's cfg tables.
        synchronized (Zoo.class) {
            tags.sort(Comparator.comparingInt(t -> {
                int i = new ArrayList<>(PRETRAINED.keySet()).indexOf(arch + "." + t);
                return i < 0 ? Integer.MAX_VALUE : i;
            }));
        }
        return tags;
    }

    /** {@link #create(String, CreateOptions)} with default options (random weights unless the name is a source). */
    public static GraftModel create(String name) {
        return create(name, new CreateOptions());
    }

    /**
     * Builds a model, timm's {@code create_model}. {@code name} is {@code arch}, {@code arch.tag}, or a
     * source ({@code local-dir:FOLDER}, {@code hf-hub:org/name}) whose config.json names the
     * architecture. With {@code pretrained} (or a {@code source}) weights are loaded: keys are checked
     * strictly unless {@code strict(false)}, the classifier is replaced when {@code numClasses}
     * differs, and the first conv is adapted to {@code inChans}.
     */
    public static GraftModel create(String name, CreateOptions options) {
        Engines.pytorch();
        String source = options.source();
        String modelName = name;
        ResolvedWeights weights = null;
        if (WeightsSources.hasPrefix(name)) {
            if (source != null && !source.equals(name)) {
                throw new GraftException("model '" + name + "' is already a weights source and source '" + source + "' was given too",
                        "give the source once");
            }
            weights = WeightsSources.resolve(name);
            if (weights.cfg() == null) {
                throw new GraftException(name + " does not say which architecture it holds",
                        "create the architecture by name with this source, e.g. Zoo.create(\"resnet18\", options.source(\"" + name + "\"))");
            }
            modelName = weights.cfg().name();
        } else if (source != null) {
            if (WeightsSources.hasPrefix(source)) {
                weights = WeightsSources.resolve(source);
            } else {
                String arch = architecture(name).name();
                modelName = arch + "." + source;
                weights = catalogue(modelName);
            }
        } else if (options.pretrained()) {
            if (!name.contains(".")) {
                List<String> tags = tagsOf(architecture(name).name());
                if (tags.isEmpty()) {
                    throw new GraftException("no pretrained weights for '" + name + "'",
                            "create it without pretrained, or give a source (file:, local-dir:, hf-hub:)");
                }
                modelName = name + "." + tags.get(0);
            }
            weights = catalogue(modelName);
        }
        Architecture arch = architecture(modelName);
        PretrainedCfg base = weights != null && weights.cfg() != null ? weights.cfg() : cfg(modelName);
        if (!base.architecture().equals(arch.name())) {
            throw new GraftException("the weights' config.json names architecture '" + base.architecture() + "', not '" + arch.name() + "'",
                    "create '" + base.architecture() + "' instead");
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
        ModelArgs args = new ModelArgs(numClasses, inChans, imgSize, options.dropRate());
        PretrainedCfg cfg = base;
        if (numClasses != weightsClasses) {
            cfg = cfg.withNumClasses(numClasses, null);
        }
        if (inChans != size.get(0) || imgSize != size.get(1)) {
            cfg = cfg.withInputSize(List.of(inChans, imgSize, imgSize), adaptStats(cfg.mean(), inChans), adaptStats(cfg.std(), inChans));
        }
        ModelBase model = arch.factory().create(cfg, args);
        NDManager manager = options.manager() != null ? options.manager() : NDManager.newBaseManager();
        if (options.seed() != null) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(options.seed().intValue());
        }
        model.initialize(manager, DataType.FLOAT32, new Shape(1, inChans, imgSize, imgSize));
        if (weights != null) {
            boolean dropClassifier = numClasses != weightsClasses;
            LoadReport report = Weights.loadInto(model, weights.weightsFile(),
                    new Weights.LoadOptions(options.strict(), dropClassifier));
            model.setLoadReport(report);
            if (!report.isExact() || !report.adapted().isEmpty() || !report.skipped().isEmpty()) {
                Output.note(model.name() + ": " + report.summary());
            }
        }
        return model;
    }

    /**
     * A model without an image input size (a text encoder, input token ids N x L): no channel or
     * size adaptation, otherwise as {@link #create(String, CreateOptions)}.
     */
    private static GraftModel createSequenceModel(Architecture arch, PretrainedCfg base, ResolvedWeights weights, CreateOptions options) {
        if (options.inChans() != null || options.imgSize() != null) {
            throw new GraftException(arch.name() + " takes token ids, not images, so in_chans and img_size do not apply",
                    "leave out inChans/imgSize (--in-chans/--img-size)");
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
        NDManager manager = options.manager() != null ? options.manager() : NDManager.newBaseManager();
        if (options.seed() != null) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(options.seed().intValue());
        }
        model.initialize(manager, DataType.FLOAT32, new Shape(1, 1));
        if (weights != null) {
            LoadReport report = Weights.loadInto(model, weights.weightsFile(),
                    new Weights.LoadOptions(options.strict(), numClasses != weightsClasses));
            model.setLoadReport(report);
            if (!report.isExact() || !report.adapted().isEmpty() || !report.skipped().isEmpty()) {
                Output.note(model.name() + ": " + report.summary());
            }
        }
        return model;
    }

    private static ResolvedWeights catalogue(String archDotTag) {
        PretrainedCfg cfg = cfg(archDotTag);  // an unknown tag fails here, naming the known ones
        ImportedWeights imported;
        synchronized (Zoo.class) {
            imported = IMPORTED.get(archDotTag);
        }
        if (imported != null) {
            if (!imported.importable().getAsBoolean()) {
                throw new GraftException("the weights of " + archDotTag + " cannot be imported here", imported.step());
            }
            // The catalogue cfg (licence, source) describes these weights; the folder's own config is the family's.
            return new ResolvedWeights(imported.ensureImported().get().resolve(ResolvedWeights.WEIGHTS_FILE), cfg, archDotTag);
        }
        Path dir = Weights.catalogueDir(archDotTag);
        Path file = dir.resolve(ResolvedWeights.WEIGHTS_FILE);
        ShippedWeights shipped = shippedWeights(archDotTag);
        if (shipped != null && (Files.isRegularFile(file) || shipped.onClassPath())) {
            synchronized (shipped) {
                if (!Files.isRegularFile(file)) {
                    shipped.install(dir);
                }
                // Graft's copy is checked on every load; weights someone made in the folder are theirs.
                if (shipped.isCopyIn(dir)) {
                    shipped.verify(dir);
                    return new ResolvedWeights(file, shippedCfg(shipped), archDotTag);
                }
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new GraftException("the weights of " + archDotTag + " are not on this machine (looked in " + dir + ")",
                    missingStep(archDotTag) + ", or give a source (file:, local-dir:, hf-hub:)");
        }
        Path cfgFile = dir.resolve(ResolvedWeights.CONFIG_FILE);
        return new ResolvedWeights(file, Files.isRegularFile(cfgFile) ? PretrainedCfg.read(cfgFile) : cfg, archDotTag);
    }

    private static Integer classesIn(Path file, String classifier) {
        if (classifier == null) {
            return null;
        }
        try (var st = dev.graft.weights.SafeTensors.open(file)) {
            String key = classifier + ".weight";
            return st.contains(key) && st.info(key).shape().length == 2 ? (int) st.info(key).shape()[0] : null;
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
