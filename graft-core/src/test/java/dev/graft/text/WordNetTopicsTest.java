package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordNetTopicsTest {
    static final String SAMPLE = """
              1 This software and database is being provided to you, the LICENSEE, by
              2 Princeton University under the following license.
            00001740 03 n 01 entity 0 003 ~ 00001930 n 0000 ~ 00002137 n 0000 ~ 04431553 n 0000 | that which is perceived or known or inferred to have its own distinct existence (living or nonliving) \s
            02086723 05 n 01 dog 0 042 @ 02085998 n 0000 | a member of the genus Canis (probably descended from the common wolf) that has been domesticated by man since prehistoric times; "the dog barked all night" \s
            12345678 20 n 02 oak 0 oak_tree 0 001 @ 12345600 n 0000 | a deciduous tree of the genus Quercus \s
            07654321 13 n 01 bread 0 000 | food made from dough of flour or meal and usually raised with yeast or baking powder and then baked \s
            07654322 13 n 01 quoteonly 0 000 | "only an example sentence" \s
            """;

    @Test
    void parsesDefinitionsOfChosenLexicographerFiles() throws Exception {
        List<WordNetTopics.Synset> s = WordNetTopics.parse(new BufferedReader(new StringReader(SAMPLE)), WordNetTopics.LEX_FILES);
        assertEquals(3, s.size());
        assertEquals(2086723L, s.get(0).offset());
        assertEquals(5, s.get(0).lexFile());
        assertEquals("a member of the genus Canis (probably descended from the common wolf) that has been domesticated by man since prehistoric times",
                s.get(0).definition());
        assertEquals("a deciduous tree of the genus Quercus", s.get(1).definition());
        assertEquals(13, s.get(2).lexFile());
    }

    @Test
    void damagedLinesAreReported() {
        String bad = "0000x 05 n 01 dog 0 000 | a dog\n";
        assertThrows(GraftException.class, () -> WordNetTopics.parse(new BufferedReader(new StringReader(bad)), WordNetTopics.LEX_FILES));
        String noGloss = "00001740 05 n 01 dog 0 000\n";
        assertThrows(GraftException.class, () -> WordNetTopics.parse(new BufferedReader(new StringReader(noGloss)), WordNetTopics.LEX_FILES));
    }

    @Test
    void balancedSubsetIsFixedAndDisjoint() {
        TextSplits a = TextDatasets.load("wordnet-topics-small", 1);
        TextSplits b = TextDatasets.load("wordnet-topics-small", 2);
        assertEquals(800, a.train().size());
        assertEquals(200, a.validation().size());
        assertEquals(400, a.test().size());
        assertArrayEquals(new int[] {100, 100, 100, 100, 100, 100, 100, 100}, a.train().countsPerClass());
        assertArrayEquals(new int[] {50, 50, 50, 50, 50, 50, 50, 50}, a.test().countsPerClass());
        assertEquals(WordNetTopics.TOPICS, a.train().classNames());
        // Train and test do not depend on the seed; validation does.
        assertEquals(a.train().texts(), b.train().texts());
        assertEquals(a.test().texts(), b.test().texts());
        assertTrue(!a.validation().texts().equals(b.validation().texts()));
        Set<String> train = new HashSet<>(a.train().texts());
        train.addAll(a.validation().texts());
        int overlap = 0;
        for (String t : a.test().texts()) {
            if (train.contains(t)) {
                overlap++;
            }
        }
        // Distinct synsets may share a definition word for word; they must be rare.
        assertTrue(overlap <= 2, "test texts also in train: " + overlap);
    }

    @Test
    void splitRuleSendsAboutAFifthToTest() {
        int test = 0;
        for (long offset = 1000; offset < 101000; offset += 10) {
            if (WordNetTopics.isTest(offset)) {
                test++;
            }
        }
        assertEquals(0.2, test / 10000.0, 0.02);
    }
}
