package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** wordnet-glosses: "words: gloss" lines in a fixed order, bounded by characters, without wordnet-topics' test definitions. */
class WordNetGlossesTest {
    @Test
    void linesAreWordsAndGlossesInAFixedOrderUpToTheLimit() {
        String text = WordNetGlosses.text(200_000);
        assertTrue(text.length() <= 200_000 && text.length() > 199_000, "length " + text.length());
        assertEquals(text, WordNetGlosses.text(200_000));
        List<String> lines = text.lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.indexOf(": ") > 0), lines.get(0));
        assertTrue(lines.stream().noneMatch(l -> l.substring(0, l.indexOf(": ")).contains("_")), "underscores are spaces");
        // A longer text starts with the same lines (a prefix is a fixed sample of the whole dictionary).
        assertTrue(WordNetGlosses.text(400_000).startsWith(text));
    }

    @Test
    void wordnetTopicsTestSynsetsAreLeftOut() throws Exception {
        long test = 1;
        while (!WordNetTopics.isTest(test)) {
            test++;
        }
        long train = test + 1;
        while (WordNetTopics.isTest(train)) {
            train++;
        }
        String data = String.format("%08d 05 n 01 cat 0 000 | a test animal%n%08d 05 n 01 dog 0 000 | a train animal%n"
                + "%08d 07 n 01 idea 0 000 | not a topic%n", test, train, test);
        List<String> lines = WordNetGlosses.parse(new BufferedReader(new StringReader(data)), 0).stream().map(WordNetGlosses.Gloss::line).toList();
        assertEquals(List.of("dog: a train animal", "idea: not a topic"), lines);
        // On the real files: what remains of the test definitions are the ones other synsets share word for word.
        Set<String> testTexts = TextDatasets.load("wordnet-topics", 42).test().texts().stream().collect(Collectors.toSet());
        String all = WordNetGlosses.text(0);
        assertTrue(all.lines().count() > 100_000);
        long leaked = all.lines().map(l -> WordNetTopics.definition(l.substring(l.indexOf(": ") + 2))).filter(testTexts::contains).count();
        assertTrue(leaked < testTexts.size() / 20, leaked + " of " + testTexts.size() + " test definitions in the text");
    }

    @Test
    void parsesWordsWithoutMarkersAndSkipsTheHeader() throws Exception {
        String data = "  1 This software and database is being provided\n"
                + "00001740 00 a 02 able 0 big_deal(a) 0 000 | (usually followed by `to') having the necessary means\n";
        List<WordNetGlosses.Gloss> g = WordNetGlosses.parse(new BufferedReader(new StringReader(data)), 2);
        assertEquals(1, g.size());
        assertEquals("able, big deal: (usually followed by `to') having the necessary means", g.get(0).line());
        assertFalse(WordNetGlosses.isTopicsTest(1740, 0));
    }
}
