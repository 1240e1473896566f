package dev.graft.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    @Test
    void plainModePrintsAtEachTenthAndAtTheEnd() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = Progress.start("load", 100, "img", Progress.Mode.PLAIN, new PrintStream(buf, true, StandardCharsets.UTF_8))) {
            for (int i = 0; i < 100; i++) {
                p.step(1);
            }
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
        // deciles 0..10; the closing line would only repeat the last one, so it is not printed
        assertEquals(11, lines.length, String.join("\n", lines));
        assertTrue(lines[lines.length - 1].contains("100% 100/100 img"), lines[lines.length - 1]);
        assertTrue(lines[lines.length - 1].contains("ETA 0:00"));
    }

    @Test
    void offModePrintsNothing() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = Progress.start("x", 10, "it", Progress.Mode.OFF, new PrintStream(buf))) {
            p.step(10);
        }
        assertEquals(0, buf.size());
    }

    @Test
    void barModeRedrawsOneLineWithStatus() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Progress p = Progress.start("train", 4, "batch", Progress.Mode.BAR, new PrintStream(buf, true, StandardCharsets.UTF_8))) {
            p.status("loss 0.5");
            p.step(4);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\r"));
        assertTrue(s.contains("[########################]"), s);
        assertTrue(s.contains("| loss 0.5"), s);
        assertTrue(s.endsWith("\n"));
    }

    @Test
    void timeFormat() {
        assertEquals("1:05", Progress.fmtTime(65));
        assertEquals("1:01:01", Progress.fmtTime(3661));
        assertEquals("?", Progress.fmtTime(Double.NaN));
    }
}
