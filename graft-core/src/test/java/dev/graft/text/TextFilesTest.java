package dev.graft.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {
    @TempDir
    Path tmp;

    Path write(String name, String content) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void readsCsvWithQuotingAndExtraColumns() throws Exception {
        Path f = write("a.csv", "id,text,label\n1,\"a cat, sleeping\",animal\n2,\"an \"\"oak\"\" tree\",plant\n3,a dog,animal\n");
        TextData d = TextFiles.read(f);
        assertEquals(List.of("animal", "plant"), d.classNames());
        assertEquals(List.of("a cat, sleeping", "an \"oak\" tree", "a dog"), d.texts());
        assertArrayEquals(new int[] {0, 1, 0}, d.labels());
    }

    @Test
    void readsJsonLines() throws Exception {
        Path f = write("a.jsonl", "{\"text\": \"bread\", \"label\": \"food\"}\n\n{\"text\": \"a hammer\", \"label\": \"tool\"}\n");
        TextData d = TextFiles.read(f);
        assertEquals(2, d.size());
        assertEquals(List.of("food", "tool"), d.classNames());
    }

    @Test
    void badFilesAreExplained() throws Exception {
        assertMessage(write("h.csv", "sentence,category\nx,y\n"), "not text and label");
        assertMessage(write("e.csv", "text,label\n,animal\n"), "line 2 has an empty text");
        assertMessage(write("l.csv", "text,label\na cat,\n"), "empty label");
        assertMessage(write("q.csv", "text,label\n\"unclosed,animal\n"), "cannot read CSV");
        assertMessage(write("j.jsonl", "{\"text\": \"ok\", \"label\": \"a\"}\n{not json}\n"), "line 2 is not JSON");
        assertMessage(write("k.jsonl", "{\"text\": \"ok\"}\n"), "line 1 has no \"text\" and \"label\"");
        assertMessage(write("n.csv", "text,label\n"), "no labelled texts");
        assertMessage(write("x.txt", "hello"), "cannot tell the format");
        assertMessage(tmp.resolve("missing.csv"), "no such file");
    }

    @Test
    void stratifiedSplitKeepsEveryClass() throws Exception {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 30; i++) {
            sb.append("text number ").append(i).append(',').append(i % 3 == 0 ? "a" : "b").append('\n');
        }
        TextSplits s = TextDatasets.load(write("s.csv", sb.toString()).toString(), 5);
        assertEquals(30, s.train().size() + s.validation().size() + s.test().size());
        assertArrayEquals(new int[] {2, 4}, s.test().countsPerClass());
        assertThrows(GraftException.class, () -> TextDatasets.load("no-such-data", 1));
    }

    private void assertMessage(Path file, String part) {
        GraftException e = assertThrows(GraftException.class, () -> TextFiles.read(file));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
