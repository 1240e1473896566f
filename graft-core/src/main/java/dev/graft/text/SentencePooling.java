package dev.graft.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.graft.GraftException;
import dev.graft.engine.Scalars;
import dev.graft.util.Json;
import dev.graft.zoo.PretrainedCfg;
import dev.graft.zoo.ResolvedWeights;
import dev.graft.zoo.bert.BertModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a sentence-transformers folder turns token vectors into a sentence vector: its
 * {@code modules.json} (Transformer, Pooling, and whether a Normalize module follows) and the
 * Pooling module's {@code config.json} ({@code pooling_mode_cls_token}, {@code _mean_tokens},
 * {@code _max_tokens}, {@code _mean_sqrt_len_tokens}; several modes are concatenated in that order, as
 * sentence-transformers does). A folder without {@code modules.json} pools as all-MiniLM-L6-v2: mean
 * over the tokens, then L2-normalised.
 *
 * <pre>{@code
 * SentencePooling pooling = SentencePooling.read(dir);       // e.g. [cls] + normalize
 * NDArray sentence = pooling.pool(hidden, mask);              // B x H
 * }</pre>
 *
 * @param modes pooling modes in sentence-transformers' concatenation order
 * @param normalize whether the folder's pipeline ends with a Normalize module
 */
public record SentencePooling(List<Mode> modes, boolean normalize) {
    /** sentence-transformers' pooling modes, by their config keys. */
    public enum Mode {
        CLS("pooling_mode_cls_token"),
        MAX("pooling_mode_max_tokens"),
        MEAN("pooling_mode_mean_tokens"),
        MEAN_SQRT_LEN("pooling_mode_mean_sqrt_len_tokens");

        final String key;

        Mode(String key) {
            this.key = key;
        }
    }

    /** The files sentence-transformers reads. */
    public static final String MODULES_FILE = "modules.json";
    static final String POOLING_DIR = "1_Pooling";
    static final String POOLING_TYPE = "sentence_transformers.models.Pooling";
    static final String NORMALIZE_TYPE = "sentence_transformers.models.Normalize";

    /** Mean pooling and normalisation: all-MiniLM-L6-v2's pipeline, and Graft's default. */
    public static final SentencePooling MEAN_NORMALIZED = new SentencePooling(List.of(Mode.MEAN), true);

    public SentencePooling {
        modes = List.copyOf(modes);
        if (modes.isEmpty()) {
            throw new GraftException("a Pooling module with no pooling mode", "set one of pooling_mode_mean_tokens, _cls_token, _max_tokens");
        }
    }

    /** The folder's pipeline, or {@link #MEAN_NORMALIZED} when it has no {@code modules.json}. */
    public static SentencePooling read(Path dir) {
        Path modulesFile = dir.resolve(MODULES_FILE);
        if (!Files.isRegularFile(modulesFile)) {
            return MEAN_NORMALIZED;
        }
        JsonNode modules = readJson(modulesFile);
        if (!modules.isArray()) {
            throw new GraftException(modulesFile + " is not a list of modules", "write it as sentence-transformers' save() does");
        }
        String poolingPath = null;
        boolean normalize = false;
        for (JsonNode m : modules) {
            String type = m.path("type").asText();
            if (type.equals(POOLING_TYPE)) {
                poolingPath = m.path("path").asText();
            } else if (type.equals(NORMALIZE_TYPE)) {
                normalize = true;
            } else if (!type.equals("sentence_transformers.models.Transformer")) {
                throw new GraftException(modulesFile + " has a module Graft does not run: " + type,
                        "Graft runs Transformer, Pooling and Normalize modules (a Dense projection is not supported yet)");
            }
        }
        if (poolingPath == null) {
            throw new GraftException(modulesFile + " has no Pooling module", "add sentence_transformers.models.Pooling (e.g. mean pooling)");
        }
        Path poolingFile = dir.resolve(poolingPath).resolve(ResolvedWeights.CONFIG_FILE);
        JsonNode cfg = readJson(poolingFile);
        List<Mode> modes = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            if (cfg.path(mode.key).asBoolean(false)) {
                modes.add(mode);
            }
        }
        for (String unsupported : List.of("pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken")) {
            if (cfg.path(unsupported).asBoolean(false)) {
                throw new GraftException(poolingFile + " asks for " + unsupported, "use mean, cls, max or mean_sqrt_len pooling");
            }
        }
        if (modes.isEmpty()) {
            throw new GraftException(poolingFile + " turns on no pooling mode", "set pooling_mode_mean_tokens (or _cls_token, _max_tokens) to true");
        }
        return new SentencePooling(modes, normalize);
    }

    private static JsonNode readJson(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GraftException(file + " is missing", "sentence-transformers folders have it; save the model again");
        }
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new GraftException("cannot read " + file + ": " + e.getMessage(), "check that it is sentence-transformers' JSON", e);
        }
    }

    /** The sentence vector's width for token vectors of {@code hidden} values. */
    public int width(int hidden) {
        return hidden * modes.size();
    }

    /** The pooled (not yet normalised) sentence vectors of token vectors {@code hidden} (B x L x H) where {@code mask} is 1. */
    public NDArray pool(NDArray hidden, NDArray mask) {
        NDList parts = new NDList();
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(-1);
        for (Mode mode : modes) {
            switch (mode) {
                case CLS -> parts.add(hidden.get(":, 0, :"));
                case MEAN -> parts.add(BertModel.meanPool(hidden, mask));
                // sentence-transformers sets padding to -1e9 before the max
                case MAX -> parts.add(hidden.mul(m).add(Scalars.mul(m.neg().add(1f), -1e9)).max(new int[] {1}));
                case MEAN_SQRT_LEN -> parts.add(hidden.mul(m).sum(new int[] {1}).div(Scalars.maximum(m.sum(new int[] {1}), 1e-9).sqrt()));
                default -> throw new IllegalStateException(mode.name());
            }
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
    }

    /** Writes {@code modules.json} and {@code 1_Pooling/config.json} so sentence-transformers loads the folder. */
    public void write(Path dir, int hidden) {
        ArrayNode modules = Json.MAPPER.createArrayNode();
        modules.addObject().put("idx", 0).put("name", "0").put("path", "").put("type", "sentence_transformers.models.Transformer");
        modules.addObject().put("idx", 1).put("name", "1").put("path", POOLING_DIR).put("type", POOLING_TYPE);
        if (normalize) {
            modules.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize").put("type", NORMALIZE_TYPE);
        }
        ObjectNode pooling = Json.MAPPER.createObjectNode();
        pooling.put("word_embedding_dimension", hidden);
        for (Mode mode : Mode.values()) {
            pooling.put(mode.key, modes.contains(mode));
        }
        pooling.put("pooling_mode_weightedmean_tokens", false);
        pooling.put("pooling_mode_lasttoken", false);
        try {
            Files.createDirectories(dir.resolve(POOLING_DIR));
            PretrainedCfg.writeJson(pooling, dir.resolve(POOLING_DIR).resolve(ResolvedWeights.CONFIG_FILE));
            Files.writeString(dir.resolve(MODULES_FILE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(modules));
        } catch (IOException e) {
            throw new GraftException("cannot write " + dir.resolve(MODULES_FILE) + ": " + e.getMessage(), "check the folder is writable", e);
        }
    }
}
