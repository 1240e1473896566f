package dev.graft.zoo;

import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.util.Glob;
import dev.graft.util.NaturalOrder;
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
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The model catalogue, as timm's registry ({@code register_model}, {@code list_models}), and the
 * entry to the builder ({@link #create}, timm's {@code create_model}). Names are {@code arch} or
 * {@code arch.tag}; a tag names a set of weights whose {@link PretrainedCfg} is registered by the
 * family ({@code small_cnn.graft_mnist}) or found on this machine under
 * {@code GRAFT_HOME/weights/<arch>.<tag>/}. Families register themselves through the
 * {@link ModelFamily} service.
 *
 * <p>A catalogue tag's weights either ship inside Graft ({@link ShippedWeights}, copied into
 * {@code GRAFT_HOME/weights/<arch>.<tag>/} on first use and checked against their sha256), are
 * imported by their family on first use ({@link ImportedWeights}), are published on the Hugging Face
 * Hub ({@link #registerHubWeights}, timm's {@code hf_hub_id}: fetched into the hub cache on first use),
 * or are made on this machine (by pretraining). Weights made on this machine win over shipped or
 * published ones of the same name. Only tags that can be created here without a further step (a
 * download counts as none, as in timm's {@code list_models(pretrained=True)}) are listed as pretrained.
 *
 * <!-- example: ModelsTour#create -->
 * <pre>{@code
 * GraftModel m = Zoo.create("resnet18");                                   // random weights, 1000 classes
 * GraftModel a = Zoo.create("small_cnn.graft_mnist", CreateOptions.defaults().withPretrained(true));
 * GraftModel b = Zoo.create("small_resnet", CreateOptions.defaults().withPretrained(true).withNumClasses(5)); // first tag, new head
 * GraftModel c = Zoo.create("resnet50", CreateOptions.defaults()
 *         .withSource("file:torchvision_resnet50.safetensors").withInChans(1));     // grey input, RGB filters summed
 * GraftModel d = Zoo.create("local-dir:runs/mnist/model");                 // architecture from config.json
 * List<String> names = Zoo.list(List.of("resnet*"), List.of("*101"), false);
 * }</pre>
 */
public final class Zoo {
    /** One registered architecture. */
    public record Architecture(String name, String family, PretrainedCfg defaultCfg, ArchitectureFactory factory) {}

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

    /** timm's {@code _natural_key} order: digit runs compare as numbers, the rest case-insensitively. */
    public static final Comparator<String> NATURAL = NaturalOrder.COMPARATOR;

    // Every map is guarded by Zoo.class; families registering at run time (BertModels) take the same lock.
    private static final Map<String, Architecture> ARCHITECTURES = new LinkedHashMap<>();
    private static final Map<String, PretrainedCfg> PRETRAINED = new LinkedHashMap<>();
    private static final Map<String, ImportedWeights> IMPORTED = new LinkedHashMap<>();
    private static final Map<String, ShippedWeights> SHIPPED = new LinkedHashMap<>();
    private static final Map<String, String> HUB_HOSTED = new LinkedHashMap<>();
    private static final Map<String, Function<Path, PretrainedCfg>> CONFIG_READERS = new LinkedHashMap<>();
    private static final Set<String> FAMILIES = new LinkedHashSet<>();
    private static boolean registered;

    private Zoo() {}

    private static synchronized void ensureRegistered() {
        if (!registered) {
            registered = true;
            registerFamilies(Zoo.class.getClassLoader());
        }
    }

    /**
     * Registers the {@link ModelFamily} services {@code loader} finds that are not registered yet
     * (e.g. the families of a plugin loaded at run time), in the order the loader lists them.
     *
     * @return the class names of the families registered now
     */
    public static synchronized List<String> registerFamilies(ClassLoader loader) {
        ensureRegistered();
        List<String> now = new ArrayList<>();
        for (ServiceLoader.Provider<ModelFamily> p : ServiceLoader.load(ModelFamily.class, loader).stream().toList()) {
            // A class loader also sees its parents' services: each family registers once.
            if (FAMILIES.add(p.type().getName())) {
                p.get().register();
                now.add(p.type().getName());
            }
        }
        return now;
    }

    /** Registers an architecture (one line per variant in a family's registration). */
    public static synchronized void register(String name, String family, PretrainedCfg defaultCfg, ArchitectureFactory factory) {
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

    /**
     * Registers a catalogue tag whose weights are published as a Hugging Face Hub model repository
     * ({@code timm/convnext_tiny.fb_in1k}), as timm's {@code hf_hub_id}: {@link #create} fetches the
     * repository into the hub cache on first use, through the {@code hf-hub:} source.
     */
    public static synchronized void registerHubWeights(String archDotTag, String repoId) {
        if (!PRETRAINED.containsKey(archDotTag)) {
            throw new IllegalArgumentException("hub weights '" + archDotTag + "' need a registered pretrained cfg first");
        }
        HUB_HOSTED.put(archDotTag, repoId);
    }

    /**
     * Registers tags whose weights timm publishes on the Hub as {@code timm/<arch>.<tag>}, in timm's
     * order (the first tag of an architecture is its default): each cfg's {@link PretrainedCfg#name()}
     * is the key, and its source the repository.
     */
    public static synchronized void registerTimmHubTags(List<PretrainedCfg> cfgs) {
        for (PretrainedCfg c : cfgs) {
            registerPretrained(Map.of(c.name(), c));
            registerHubWeights(c.name(), "timm/" + c.name());
        }
    }

    /** The {@code hf-hub:} source of a catalogue tag whose weights are published on the Hub, or null. */
    public static String hubWeights(String archDotTag) {
        String repo = lookup(HUB_HOSTED, archDotTag);
        return repo == null ? null : WeightsSources.HF_HUB + repo;
    }

    /**
     * Registers how to read a foreign {@code config.json} by its {@code model_type} (a Hugging Face
     * transformers config, e.g. {@code bert}) as a {@link PretrainedCfg}; {@link PretrainedCfg#read} uses it.
     */
    public static synchronized void registerConfigReader(String modelType, Function<Path, PretrainedCfg> reader) {
        CONFIG_READERS.put(modelType, reader);
    }

    /** The reader registered for a config.json {@code model_type}, or null. */
    static Function<Path, PretrainedCfg> configReader(String modelType) {
        return lookup(CONFIG_READERS, modelType);
    }

    /** The {@code model_type}s of the transformers configs the families read, sorted. */
    static synchronized List<String> configReaderTypes() {
        return CONFIG_READERS.keySet().stream().sorted().toList();
    }

    /** The weights that ship inside Graft for a catalogue tag, or null. */
    public static ShippedWeights shippedWeights(String archDotTag) {
        return lookup(SHIPPED, archDotTag);
    }

    /** The weights a family imports for a catalogue tag, or null. */
    static ImportedWeights importedWeights(String archDotTag) {
        return lookup(IMPORTED, archDotTag);
    }

    /** Whether a catalogue tag's weights are imported by their family on first use ({@link ImportedWeights}). */
    public static boolean isImported(String archDotTag) {
        return importedWeights(archDotTag) != null;
    }

    private static synchronized <V> V lookup(Map<String, V> registered, String key) {
        ensureRegistered();
        return registered.get(key);
    }

    /**
     * What must be done before a catalogue tag can be created with its weights on this machine, or
     * null when nothing: weights made here, shipped weights on the class path, or an import that can run.
     */
    public static WeightsStep weightsStep(String archDotTag) {
        ShippedWeights shipped = shippedWeights(archDotTag);
        ImportedWeights imported = importedWeights(archDotTag);
        if (imported != null) {
            return imported.importable().getAsBoolean() ? null : new WeightsStep(imported.step(), false, arch(archDotTag), null);
        }
        if (dev.graft.weights.Checkpoint.find(Weights.catalogueDir(archDotTag)) != null) {
            return null;  // weights made here: one file, or a sharded checkpoint
        }
        if (hubWeights(archDotTag) != null) {
            return null;  // fetched from the hub on first use, as timm does
        }
        if (shipped != null && shipped.onClassPath()) {
            return null;
        }
        return new WeightsStep(shipped != null ? shipped.missingStep() : null, true, arch(archDotTag), pretrainData(archDotTag));
    }

    /** {@link #weightsStep} in the library's words ({@link WeightsStep#describe}), or null when nothing is missing. */
    public static String missingStep(String archDotTag) {
        WeightsStep step = weightsStep(archDotTag);
        return step == null ? null : step.describe();
    }

    /**
     * The data set a tag's weights are pretrained on: Graft's own tags are named
     * {@code graft_<data set>} ({@code graft_fashion_mnist} is {@code fashion-mnist}); null for other tags.
     */
    public static String pretrainData(String archDotTag) {
        int dot = archDotTag.indexOf('.');
        String tag = dot < 0 ? "" : archDotTag.substring(dot + 1);
        return tag.startsWith("graft_") ? tag.substring("graft_".length()).replace('_', '-') : null;
    }

    private static String arch(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /**
     * The folder holding (or meant to hold) a catalogue tag's weights: the family's own import
     * folder for imported weights, else {@code GRAFT_HOME/weights/<arch>.<tag>/}. Nothing is imported.
     */
    public static Path weightsDir(String archDotTag) {
        ImportedWeights imported = importedWeights(archDotTag);
        return imported != null ? imported.folder().get() : Weights.catalogueDir(archDotTag);
    }

    /** Every registered architecture, in registration order. */
    public static synchronized Collection<Architecture> architectures() {
        ensureRegistered();
        return List.copyOf(ARCHITECTURES.values());
    }

    /** The architecture of {@code arch} or {@code arch.tag}; a {@link ZooException} with suggestions if unknown. */
    public static synchronized Architecture architecture(String name) {
        ensureRegistered();
        String arch = arch(name);
        Architecture a = ARCHITECTURES.get(arch);
        if (a == null) {
            throw ZooException.unknownModel(name, suggestions(arch));
        }
        return a;
    }

    private static List<String> suggestions(String arch) {
        String stem = arch.replaceAll("[0-9_].*$", "");
        return ARCHITECTURES.keySet().stream()
                .filter(n -> !stem.isEmpty() && (n.startsWith(stem) || n.contains(stem))).sorted(NATURAL).toList();
    }

    /**
     * Tags that can be created with weights here, sorted naturally: catalogue tags with no
     * {@link #missingStep missing step} plus folders under GRAFT_HOME/weights.
     */
    public static synchronized List<String> pretrainedNames() {
        ensureRegistered();
        Set<String> names = new TreeSet<>(NATURAL);
        for (String name : PRETRAINED.keySet()) {
            if (weightsStep(name) == null) {
                names.add(name);
            }
        }
        names.addAll(localTags());
        return List.copyOf(names);
    }

    private static List<String> localTags() {
        Path root = GraftHome.root().resolve("weights");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> dev.graft.weights.Checkpoint.find(p) != null)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.indexOf('.') > 0 && ARCHITECTURES.containsKey(arch(n)))
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
     * timm's {@code list_models}: names matching any pattern ({@link Glob}, fnmatch: {@code * ? [seq]
     * [!seq]}; none = all), minus those matching an exclude pattern, naturally sorted ({@code resnet18}
     * before {@code resnet101}). With {@code pretrained} the names are {@code arch.tag} for every set
     * of weights, and a pattern without a dot also matches every tag of its architectures.
     */
    public static List<String> list(List<String> patterns, List<String> excludes, boolean pretrained) {
        ensureRegistered();
        Set<String> candidates = new LinkedHashSet<>();
        if (pretrained) {
            candidates.addAll(pretrainedNames());
        } else {
            synchronized (Zoo.class) {
                candidates.addAll(ARCHITECTURES.keySet());
            }
            // A pattern naming tags ("small_cnn.*") lists tagged names too.
            if (patterns.stream().anyMatch(p -> p.contains("."))) {
                candidates.addAll(pretrainedNames());
            }
        }
        List<NamePattern> inc = patterns.stream().map(NamePattern::new).toList();
        List<NamePattern> exc = excludes.stream().map(NamePattern::new).toList();
        TreeSet<String> out = new TreeSet<>(NATURAL);
        for (String c : candidates) {
            boolean in = inc.isEmpty() ? !c.contains(".") || pretrained : inc.stream().anyMatch(p -> p.matches(c));
            if (in && exc.stream().noneMatch(p -> p.matches(c))) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** A pattern matches the whole name, or (without a dot of its own) the architecture part of {@code arch.tag}. */
    private record NamePattern(Pattern glob, boolean hasDot) {
        NamePattern(String glob) {
            // Only a literal dot names tags; one inside a set ("[.]") does not.
            this(Glob.compile(glob), Glob.toRegex(glob).contains("\\Q.\\E"));
        }

        boolean matches(String name) {
            if (glob.matcher(name).matches()) {
                return true;
            }
            int dot = name.indexOf('.');
            return dot > 0 && !hasDot && glob.matcher(name.substring(0, dot)).matches();
        }
    }

    /**
     * The configuration a name stands for: the tag's (catalogue, or {@code config.json} of local
     * weights), a source's {@code config.json} ({@code local-dir:DIR}, {@code hf-hub:org/name}) or
     * the architecture's default; for a source holding an adapter ({@link AdapterLoader}), its base's.
     */
    public static PretrainedCfg cfg(String name) {
        AdapterFolders.Found adapter = AdapterFolders.find(name);
        if (adapter != null) {
            return adapter.loader().baseCfg(adapter.dir());  // an adapter: its base's configuration
        }
        if (WeightsSources.hasPrefix(name)) {
            return source(name).cfg();
        }
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
    static PretrainedCfg shippedCfg(ShippedWeights shipped) {
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
        if (c.tag() == null) {
            // transformers' config.json carries no tag, licence or recipe: the catalogue entry's
            if (entry.provenance() != null) {
                entry.provenance().forEach(prov::putIfAbsent);
            }
            return c.withOrigin(entry.tag(), entry.license(), entry.source(), prov);
        }
        return c.withOrigin(c.tag(), c.license(), c.source(), prov);
    }

    /**
     * The weights and configuration a source names ({@code local-dir:DIR}, {@code hf-hub:org/name},
     * {@code file:} beside a config.json), its config.json read and checked; an error when the source
     * does not say which architecture it holds.
     */
    public static ResolvedWeights source(String name) {
        return ModelBuilder.resolveDescribed(name);
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
            List<String> order = new ArrayList<>(PRETRAINED.keySet());
            tags.sort(Comparator.comparingInt(t -> {
                int i = order.indexOf(arch + "." + t);
                return i < 0 ? Integer.MAX_VALUE : i;
            }));
        }
        return tags;
    }

    /** {@link #create(String, CreateOptions)} with default options (random weights unless the name is a source). */
    public static GraftModel create(String name) {
        return create(name, CreateOptions.defaults());
    }

    /**
     * Builds a model, timm's {@code create_model}. {@code name} is {@code arch}, {@code arch.tag}, or a
     * source ({@code local-dir:FOLDER}, {@code hf-hub:org/name}) whose config.json names the
     * architecture. With {@code pretrained} (or a {@code source}) weights are loaded: keys are checked
     * strictly unless {@code strict(false)}, the classifier is replaced when {@code numClasses}
     * differs, and the first conv is adapted to {@code inChans}. See {@link ModelBuilder}.
     */
    public static GraftModel create(String name, CreateOptions options) {
        return ModelBuilder.create(name, options);
    }
}
