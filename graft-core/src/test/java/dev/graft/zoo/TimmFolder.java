package dev.graft.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.graft.util.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model folder as timm's {@code push_to_hf_hub} writes it: {@code model.safetensors} with seeded
 * random weights and {@code config.json} with the flat fields, {@code label_names} and a nested
 * {@code pretrained_cfg} whose values differ from Graft's defaults, so that a lost field shows.
 *
 * <pre>{@code
 * Path dir = TimmFolder.write(tmp.resolve("r18"), "resnet18", 10, 3, 32, 7);
 * GraftModel m = Zoo.create("local-dir:" + dir);
 * }</pre>
 */
public final class TimmFolder {
    /** The mean and std in {@link #config}, for one channel and for three; {@code chans} must be 1 or 3. */
    public static final List<Double> GREY_MEAN = List.of(0.45);
    public static final List<Double> GREY_STD = List.of(0.225);
    public static final List<Double> RGB_MEAN = List.of(0.5, 0.4, 0.3);
    public static final List<Double> RGB_STD = List.of(0.2, 0.25, 0.3);

    private TimmFolder() {}

    /** Writes the folder: a seeded random {@code arch} with {@code numClasses} classes for {@code chans x size x size} input. */
    public static Path write(Path dir, String arch, int numClasses, int chans, int size, long seed) throws IOException {
        GraftModel m = Zoo.create(arch, CreateOptions.defaults().withNumClasses(numClasses).withInChans(chans).withSeed(seed));
        Files.createDirectories(dir);
        Weights.saveStateDict(m, dir.resolve(ResolvedWeights.WEIGHTS_FILE));
        Files.writeString(dir.resolve(ResolvedWeights.CONFIG_FILE), config(arch, numClasses, m.numFeatures(), chans, size));
        return dir;
    }

    /**
     * Asserts that an exported config.json is timm's layout with this fixture's pretrained cfg for
     * {@code chans x size x size} kept: the flat fields at the top, what the weights expect nested,
     * nothing of either at the wrong level.
     */
    public static void assertTimmLayout(JsonNode j, String arch, int numClasses, int numFeatures, int chans, int size) {
        assertEquals(arch, j.get("architecture").asText());
        assertEquals(numClasses, j.get("num_classes").asInt());
        assertEquals(numFeatures, j.get("num_features").asInt());
        assertEquals("avg", j.get("global_pool").asText());
        assertEquals(numClasses, j.get("label_names").size());
        JsonNode pc = j.get("pretrained_cfg");
        assertEquals(List.of(chans, size, size), Json.MAPPER.convertValue(pc.get("input_size"), List.class));
        assertEquals("bicubic", pc.get("interpolation").asText());
        assertEquals(0.95, pc.get("crop_pct").asDouble());
        assertEquals("center", pc.get("crop_mode").asText());
        assertEquals(chans == 1 ? GREY_MEAN : RGB_MEAN, Json.MAPPER.convertValue(pc.get("mean"), List.class));
        assertEquals(chans == 1 ? GREY_STD : RGB_STD, Json.MAPPER.convertValue(pc.get("std"), List.class));
        assertEquals(numClasses, pc.get("num_classes").asInt());
        assertEquals("conv1", pc.get("first_conv").asText());
        assertEquals("fc", pc.get("classifier").asText());
        assertEquals("https://example.com/tiny", pc.get("origin_url").asText(), "timm's other fields are kept");
        assertEquals("[1,1]", pc.get("pool_size").toString());
        for (String misplaced : List.of("mean", "std", "input_size", "interpolation", "crop_pct", "source", "provenance", "tag")) {
            assertFalse(j.has(misplaced), misplaced + " is not at the top");
        }
        assertFalse(pc.has("label_names") || pc.has("source"), "labels at the top, Graft's source under 'graft'");
    }

    /** timm's config.json for those numbers, labels {@code c0, c1, ...}. */
    public static String config(String arch, int numClasses, int numFeatures, int chans, int size) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < numClasses; i++) {
            labels.add("\"c" + i + "\"");
        }
        List<Double> mean = chans == 1 ? GREY_MEAN : RGB_MEAN;
        List<Double> std = chans == 1 ? GREY_STD : RGB_STD;
        return String.format(Locale.ROOT, """
                {
                  "architecture": "%s",
                  "num_classes": %d,
                  "num_features": %d,
                  "global_pool": "avg",
                  "label_names": %s,
                  "pretrained_cfg": {
                    "tag": "tiny_in1k",
                    "custom_load": false,
                    "input_size": [%d, %d, %d],
                    "test_input_size": [%d, %d, %d],
                    "fixed_input_size": false,
                    "interpolation": "bicubic",
                    "crop_pct": 0.95,
                    "test_crop_pct": 1.0,
                    "crop_mode": "center",
                    "mean": %s,
                    "std": %s,
                    "num_classes": %d,
                    "pool_size": [1, 1],
                    "first_conv": "conv1",
                    "classifier": "fc",
                    "license": "mit",
                    "origin_url": "https://example.com/tiny",
                    "paper_ids": "arXiv:2110.00476"
                  }
                }
                """, arch, numClasses, numFeatures, labels, chans, size, size, chans, size + 4, size + 4,
                mean.subList(0, chans == 1 ? 1 : 3), std.subList(0, chans == 1 ? 1 : 3), numClasses);
    }
}
