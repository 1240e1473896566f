package dev.graft.cli.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.data.ImageData;
import dev.graft.engine.Engines;
import dev.graft.util.Json;
import dev.graft.zeroshot.ClipTrainer;
import dev.graft.zoo.bert.BertConfig;
import dev.graft.zoo.bert.BertModel;
import dev.graft.zoo.bert.BertWeights;
import dev.graft.zoo.vit.ViTConfig;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code graft zeroshot --images} with a dual encoder trained by {@link ClipTrainer} (tiny towers), and clip-train's bad input. */
class ClipCommandsTest {
    @TempDir
    static Path home;
    static Path clip;
    static Path image;
    static ClientEnv env;

    @BeforeAll
    static void tinyDualEncoder() throws Exception {
        env = ClientEnv.home(home);
        Engines.pytorch();
        Path text = Files.createDirectories(home.resolve("tiny-bert"));
        BertConfig cfg = BertConfig.of(16, 1, 2, 32, 64, 30522, 2, false);
        cfg.write(text.resolve("config.json"));
        try (NDManager nd = NDManager.newBaseManager();
                InputStream tok = BertModel.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            BertModel m = new BertModel(cfg);
            m.initialize(nd);
            BertWeights.write(m.stateDict(), text.resolve("model.safetensors"));
            Files.copy(tok, text.resolve("tokenizer.json"));
        }
        List<String> names = List.of("red", "blue", "green");
        float[] px = new float[3 * 3 * 16 * 16];
        for (int i = 0; i < 3; i++) {
            for (int p = 0; p < 256; p++) {
                px[(i * 3 + i) * 256 + p] = 1f;
            }
        }
        Map<String, List<String>> captions = new LinkedHashMap<>();
        names.forEach(n -> captions.put(n, ClipTrainer.captions(n, List.of())));
        ViTConfig vit = new ViTConfig(null, null, 16, 1, 2, 32, "gelu", 1e-12, 16, 8, 3, true, 0, 0, 0.02, null).shape();
        clip = home.resolve("clip");
        ClipTrainer.train(List.of(new ImageData("colours", names, 3, 16, 16, px, new int[] {0, 1, 2})), captions,
                ClipTrainer.Options.defaults().withVision(vit).withTextModel(text.toString()).withProjectionDim(8).withEpochs(2).withBatchSize(3),
                clip, null);
        BufferedImage red = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = red.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 16, 16);
        g.dispose();
        image = home.resolve("red.png");
        ImageIO.write(red, "png", image.toFile());
    }

    @AfterAll
    static void restore() {
        env.close();
    }

    @Test
    void zeroshotRanksEveryLabelForEachImageOfADualEncoder() throws Exception {
        CliRun r = CliRun.run("--json", "zeroshot", "--model", "local-dir:" + clip, "--images", image.toString(), "--labels", "red,blue,green",
                "--template", "an emoji of {}.").expect(0);
        JsonNode doc = Json.MAPPER.readTree(r.out);
        JsonNode first = doc.isArray() ? doc.get(0) : doc.path("results").get(0);
        assertEquals(image.toString(), first.get("image").asText(), r.out);
        assertEquals(3, first.get("labels").size(), r.out);
        String plain = CliRun.run("zeroshot", "--model", clip.toString(), "--images", image.toString(), "--labels", "red,blue,green").expect(0).out;
        assertTrue(plain.contains("red") && plain.contains("blue") && plain.contains("green"), plain);
        String dup = CliRun.run("zeroshot", "--model", clip.toString(), "--images", image.toString(), "--labels", "red,red").expect(1).err;
        assertTrue(dup.contains("given twice"), dup);
    }

    @Test
    void theShippedClipModelIsInTheCatalogueAndClassifiesImagesByNameOnAnEmptyHome() {
        String list = CliRun.run("models", "list", "clip*", "--pretrained").expect(0).out;
        assertTrue(list.lines().anyMatch(l -> l.strip().equals("clip_lit_vit64_minilm.graft_emoji_google")), list);
        String out = CliRun.run("zeroshot", "--model", "clip_lit_vit64_minilm.graft_emoji_google", "--images", image.toString(), "--labels",
                "red apple,blue heart,rocket", "--template", "an emoji of {}.").expect(0).out;
        for (String label : List.of("red apple", "blue heart", "rocket")) {
            assertTrue(out.contains(label), out);
        }
    }

    @Test
    void clipTrainRefusesWhatItCannotTrainOnInOneLine() {
        String err = CliRun.run("clip-train", "--data", "digits").expect(1).err;
        assertTrue(err.contains("not one of the emoji data sets"), err);
        assertFalse(err.contains("Exception"), err);
        err = CliRun.run("clip-train", "--data", "emoji-google", "--mode", "half").expect(1).err;
        assertTrue(err.contains("unknown CLIP training mode 'half'"), err);
    }
}
