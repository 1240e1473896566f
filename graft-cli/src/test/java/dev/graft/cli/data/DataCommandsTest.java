package dev.graft.cli.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.GraftCli;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandsTest {
    @TempDir
    Path tmp;

    private PrintStream savedOut;
    private ByteArrayOutputStream out;
    private StringWriter err;

    @BeforeEach
    void setUp() throws Exception {
        System.setProperty("graft.home", tmp.resolve("home").toString());
        savedOut = System.out;
        out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        for (int i = 0; i < 5; i++) {
            writeGray(tmp.resolve("pics/cat/" + i + ".png"), 4 * i);
            writeGray(tmp.resolve("pics/dog/" + i + ".png"), 200);
        }
    }

    @AfterEach
    void tearDown() {
        System.setOut(savedOut);
        System.clearProperty("graft.home");
        Output.configure(false, false);
    }

    private static void writeGray(Path f, int v) throws Exception {
        BufferedImage img = new BufferedImage(7, 7, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 7; x++) {
                img.getRaster().setSample(x, y, 0, v);
            }
        }
        Files.createDirectories(f.getParent());
        ImageIO.write(img, "png", f.toFile());
    }

    private int run(String... args) {
        CommandLine cl = GraftCli.commandLine();
        err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listShowsImageSetsAsNotCachedInAFreshHomeAndTheTextSets() throws Exception {
        assertEquals(0, run("--json", "data", "list"));
        JsonNode rows = Json.MAPPER.readTree(stdout());
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
        assertEquals(0, run("--json", "data", "info", spec), err.toString());
        JsonNode info = Json.MAPPER.readTree(stdout());
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
        assertEquals(0, run("data", "show", spec, "--index", "0", "--split", "test", "--out", png.toString(), "--scale", "5"), err.toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(35, img.getWidth());
        assertEquals(35, img.getHeight());
        assertTrue(stdout().contains("test #0"), stdout());
    }

    @Test
    void badInputIsOneLineError() {
        assertEquals(1, run("data", "info", "mnits"));
        assertTrue(err.toString().startsWith("error: unknown data set 'mnits'"), err.toString());
        for (String known : dev.graft.data.Datasets.names()) {
            assertTrue(err.toString().contains(known), err.toString());
        }
        assertEquals(1, run("data", "show", "folder:" + tmp.resolve("pics"), "--index", "99", "--out", tmp.resolve("y.png").toString()));
        assertTrue(err.toString().contains("use 0..7"), err.toString());
        assertEquals(1, run("data", "get", "folder:" + tmp.resolve("pics")));
        assertTrue(err.toString().contains("read in place"), err.toString());
    }
}
