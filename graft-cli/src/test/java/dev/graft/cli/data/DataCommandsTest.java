package dev.graft.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.data.TestFiles;
import dev.graft.util.Json;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {
    @TempDir
    Path tmp;

    private ClientEnv env;
    /** The latest run of the CLI. */
    private CliRun last;

    @BeforeEach
    void setUp() throws Exception {
        env = ClientEnv.home(tmp.resolve("home"));
        for (int i = 0; i < 5; i++) {
            TestFiles.grayPng(tmp.resolve("pics/cat/" + i + ".png"), 7, 7, 4 * i);
            TestFiles.grayPng(tmp.resolve("pics/dog/" + i + ".png"), 7, 7, 200);
        }
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private int run(String... args) {
        last = CliRun.run(args);
        return last.code;
    }

    @Test
    void listShowsImageSetsAsNotCachedInAFreshHomeAndTheTextSets() throws Exception {
        assertEquals(0, run("--json", "data", "list"));
        JsonNode rows = Json.MAPPER.readTree(last.out);
        java.util.List<String> names = new java.util.ArrayList<>();
        java.util.List<String> text = new java.util.ArrayList<>();
        for (JsonNode r : rows) {
            if (r.get("kind").asText().equals("text")) {
                text.add(r.get("name").asText());
                assertTrue(r.get("cached").asBoolean(), "text sets ship with Graft: " + r);
                continue;
            }
            assertEquals("image", r.get("kind").asText());
            names.add(r.get("name").asText());
            assertTrue(!r.get("cached").asBoolean(), r.toString());
        }
        assertTrue(names.containsAll(java.util.List.of("digits", "fashion-mnist", "mnist")), names.toString());
        assertEquals(names.stream().sorted().toList(), names);
        assertTrue(text.containsAll(java.util.List.of("wordnet-topics", "wordnet-topics-small")), text.toString());
    }

    @Test
    void infoCountsSplitsAndClassesOfUserData() throws Exception {
        String spec = "folder:" + tmp.resolve("pics") + "?test=0.2";
        assertEquals(0, run("--json", "data", "info", spec), last.err);
        JsonNode info = Json.MAPPER.readTree(last.out);
        assertEquals(8, info.get("splits").get("train").get("count").asInt());
        assertEquals(2, info.get("splits").get("test").get("count").asInt());
        assertEquals(1, info.get("splits").get("test").get("per_class").get("dog").asInt());
        assertEquals("[1,7,7]", info.get("image_shape").toString());
        assertEquals(10, info.get("samples").asInt());
    }

    @Test
    void showWritesAnEnlargedPng() throws Exception {
        Path png = tmp.resolve("out/x.png");
        String spec = "folder:" + tmp.resolve("pics");
        assertEquals(0, run("data", "show", spec, "--index", "0", "--split", "test", "--out", png.toString(), "--scale", "5"), last.err);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(35, img.getWidth());
        assertEquals(35, img.getHeight());
        assertTrue(last.out.contains("test #0"), last.out);
    }

    @Test
    void badInputIsOneLineError() {
        assertEquals(1, run("data", "info", "mnits"));
        assertTrue(last.err.startsWith("error: unknown data set 'mnits'"), last.err);
        for (String known : dev.graft.data.Datasets.names()) {
            assertTrue(last.err.contains(known), last.err);
        }
        assertEquals(1, run("data", "show", "folder:" + tmp.resolve("pics"), "--index", "99", "--out", tmp.resolve("y.png").toString()));
        assertTrue(last.err.contains("use 0..7"), last.err);
        assertEquals(1, run("data", "get", "folder:" + tmp.resolve("pics")));
        assertTrue(last.err.contains("read in place"), last.err);
    }
}
