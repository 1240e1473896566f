package dev.graft.data.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.TestHome;
import dev.graft.data.DataSplits;
import dev.graft.data.DatasetSource;
import dev.graft.data.Datasets;
import dev.graft.data.ImageData;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The emoji data sets built from a tiny fixture of ten emoji in the packages' own formats (no network). */
class EmojiDatasetTest {
    @RegisterExtension
    final TestHome home = new TestHome();

    @TempDir
    Path tmp;

    private static final String[] CATEGORIES = {"Smileys & Emotion", "Smileys & Emotion", "Animals & Nature", "Animals & Nature", "Flags"};

    /** emoji.json, emojibase en/ko data.json and one image per emoji: left half opaque red, right half transparent. */
    private Path fixture(boolean svg) throws IOException {
        Path in = Files.createDirectories(tmp.resolve("in"));
        Path img = Files.createDirectories(in.resolve("img"));
        StringBuilder list = new StringBuilder("[");
        StringBuilder en = new StringBuilder("[");
        StringBuilder ko = new StringBuilder("[");
        for (int i = 1; i <= 10; i++) {
            String hex = "1F6" + String.format("%02X", i);
            String sep = i > 1 ? "," : "";
            // out of order on purpose: the class list is sorted by sort_order
            int sort = 11 - i;
            list.append(sep).append("{\"name\":\"EMOJI ").append(i).append("\",\"unified\":\"").append(hex).append("-FE0F\",\"non_qualified\":null,")
                    .append("\"image\":\"").append(hex.toLowerCase()).append("-fe0f.png\",\"short_names\":[\"e").append(i).append("\"],")
                    .append("\"category\":\"").append(CATEGORIES[i % 5]).append("\",\"subcategory\":\"sub").append(i % 3).append("\",")
                    .append("\"sort_order\":").append(sort).append("}");
            // emojibase keys some sequences without FE0F
            en.append(sep).append("{\"label\":\"emoji number ").append(i).append("\",\"hexcode\":\"").append(hex)
                    .append("\",\"tags\":[\"tag").append(i).append("\",\"common\"]}");
            if (i != 3) {
                ko.append(sep.isEmpty() || ko.length() == 1 ? "" : ",").append("{\"label\":\"이모지 ").append(i).append("\",\"hexcode\":\"").append(hex)
                        .append("\",\"tags\":[\"태그").append(i).append("\"]}");
            }
            if (svg) {
                Files.writeString(img.resolve(hex + "-FE0F.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 72 72\">"
                        + "<rect x=\"0\" y=\"0\" width=\"36\" height=\"72\" fill=\"#ff0000\"/></svg>");
            } else if (i != 7) { // emoji 7 has no image in this style
                BufferedImage b = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 32; x++) {
                        b.setRGB(x, y, 0xffff0000);
                    }
                }
                ImageIO.write(b, "png", img.resolve(hex.toLowerCase() + "-fe0f.png").toFile());
            }
        }
        Files.writeString(in.resolve("emoji.json"), list.append("]"), StandardCharsets.UTF_8);
        Files.writeString(in.resolve("en.json"), en.append("]"), StandardCharsets.UTF_8);
        Files.writeString(in.resolve("ko.json"), ko.append("]"), StandardCharsets.UTF_8);
        Path out = Files.createDirectories(tmp.resolve(svg ? "built-svg" : "built"));
        EmojiDataset.build(in.resolve("emoji.json"), in.resolve("en.json"), in.resolve("ko.json"), img, svg, "test licence", out);
        return out;
    }

    @Test
    void buildsTheFixedSplitTextFieldsAndWhiteCompositedImages() throws IOException {
        Path dir = fixture(false);
        List<Emoji> all = EmojiDataset.readMetadata(dir);
        assertEquals(10, all.size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), all.stream().map(Emoji::sortOrder).toList());
        Emoji first = all.get(0); // sort_order 1 is emoji 10
        assertEquals("emoji number 10", first.name());
        assertEquals(List.of("e10"), first.shortNames());
        assertEquals(List.of("tag10", "common"), first.keywords());
        assertEquals("이모지 10", first.koreanName());
        assertEquals(List.of("태그10"), first.koreanKeywords());
        Emoji noKorean = all.stream().filter(e -> e.name().equals("emoji number 3")).findFirst().orElseThrow();
        assertEquals("", noKorean.koreanName());
        assertEquals(-1, all.stream().filter(e -> e.name().equals("emoji number 7")).findFirst().orElseThrow().tile());

        DataSplits s = new EmojiDataset(EmojiDataset.Style.GOOGLE).read(dir, 1L, 0.0);
        // unseen = sort_order 5 and 10 (emoji 6 and 1); emoji 7 (sort 4) has no image
        assertEquals(2, s.test().size());
        assertEquals(7, s.train().size());
        assertEquals(10, s.train().numClasses());
        assertEquals(List.of("emoji number 6", "emoji number 1"),
                List.of(s.test().classNames().get(s.test().label(0)), s.test().classNames().get(s.test().label(1))));
        float[] px = s.test().image(0);
        int hw = 64 * 64;
        assertEquals(1f, px[10 * 64 + 5], 1e-6);            // red channel, red half
        assertEquals(0f, px[hw + 10 * 64 + 5], 1e-6);       // green channel, red half
        assertEquals(1f, px[hw + 10 * 64 + 50], 1e-6);      // green channel, transparent half: white
        assertEquals(1f, px[2 * hw + 10 * 64 + 50], 1e-6);  // blue channel, transparent half: white
    }

    @Test
    void labelLevelsComeFromTheOptionAfterTheName() throws IOException {
        Path dir = fixture(false);
        DatasetSource google = Datasets.source("emoji-google");
        google.fetch(false, dir);
        DatasetSource byCategory = Datasets.source("emoji-google?label=category");
        assertEquals("emoji-google?label=category", byCategory.name());
        DataSplits c = byCategory.load(1L, 0.0);
        assertEquals(List.of("Smileys & Emotion", "Flags", "Animals & Nature"), c.train().classNames());
        DataSplits sub = Datasets.source("emoji-google?label=subcategory").load(1L, 0.0);
        assertEquals(3, sub.train().numClasses());
        assertEquals(9, sub.train().size() + sub.test().size());
        assertTrue(google.notes().stream().anyMatch(n -> n.contains("sort_order % 5 == 0")));
        assertEquals(10, ((EmojiDataset) google).emoji().size());
        GraftException bad = assertThrows(GraftException.class, () -> Datasets.source("emoji-google?label=colour"));
        assertTrue(bad.getMessage().contains("label level 'colour'"), bad.getMessage());
        assertThrows(GraftException.class, () -> Datasets.source("emoji-google?size=32"));
        assertThrows(GraftException.class, () -> Datasets.source("digits?label=category"));
    }

    @Test
    void svgIsRenderedOntoWhite() throws IOException {
        Path dir = fixture(true);
        ImageData train = new EmojiDataset(EmojiDataset.Style.OPENMOJI).read(dir, 1L, 0.0).train();
        assertEquals(8, train.size());
        float[] px = train.image(0);
        int hw = 64 * 64;
        assertEquals(1f, px[30 * 64 + 10], 0.02);        // red on the left half
        assertEquals(0f, px[hw + 30 * 64 + 10], 0.02);
        assertEquals(1f, px[hw + 30 * 64 + 54], 0.02);   // white on the right half
    }
}
