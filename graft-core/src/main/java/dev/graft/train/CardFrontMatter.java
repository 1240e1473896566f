package dev.graft.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The front matter of every model card Graft writes: the Hugging Face Hub's fields ({@code license},
 * {@code library_name: graft}, {@code pipeline_tag}, {@code base_model}, {@code datasets}, {@code tags})
 * and its {@code model-index} of evaluation results. {@link RunDirectory#writeCard} checks the card
 * against the hub's rules before writing it, so every exported folder can be pushed. Immutable: each
 * {@code withX} returns a copy.
 *
 * <pre>{@code
 * Map<String, Object> fm = new CardFrontMatter("apache-2.0", "image-classification")
 *         .withBaseModel("small_cnn.graft_mnist").withDataset("digits").withTags("graft", "strategy-head")
 *         .withResult("small_cnn-digits-head", "image-classification", "digits", CardFrontMatter.metric("accuracy", "top-1", 0.93))
 *         .toMap();
 * RunDirectory.writeCard(dir.resolve("README.md"), fm, "# My model\n");
 * }</pre>
 */
public final class CardFrontMatter {
    /** One metric of a result: {@code {type, name, value}} (name may be null). */
    public record Metric(String type, String name, double value) {}

    private final Map<String, Object> fields;
    private final List<String> datasets;
    private final List<String> tags;
    private String indexName;  // set only on a fresh copy
    private final List<Map<String, Object>> results;
    private final Map<String, Object> extra;

    /** A card of a model under {@code license} for {@code pipelineTag} (e.g. image-classification). */
    public CardFrontMatter(String license, String pipelineTag) {
        this(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>(), null, new ArrayList<>(), new LinkedHashMap<>());
        fields.put("library_name", "graft");
        if (license != null) {
            fields.put("license", license);
        }
        if (pipelineTag != null) {
            fields.put("pipeline_tag", pipelineTag);
        }
    }

    private CardFrontMatter(Map<String, Object> fields, List<String> datasets, List<String> tags, String indexName,
                            List<Map<String, Object>> results, Map<String, Object> extra) {
        this.fields = fields;
        this.datasets = datasets;
        this.tags = tags;
        this.indexName = indexName;
        this.results = results;
        this.extra = extra;
    }

    /** A copy to extend: the {@code withX} methods never change the card they are called on. */
    private CardFrontMatter copy() {
        return new CardFrontMatter(new LinkedHashMap<>(fields), new ArrayList<>(datasets), new ArrayList<>(tags), indexName,
                new ArrayList<>(results), new LinkedHashMap<>(extra));
    }

    /** A metric for {@link #withResult}. */
    public static Metric metric(String type, String name, double value) {
        return new Metric(type, name, value);
    }

    /** The model this one was trained from (a catalogue name or a hub repository). */
    public CardFrontMatter withBaseModel(String name) {
        CardFrontMatter c = copy();
        if (name != null) {
            c.fields.put("base_model", name);
        }
        return c;
    }

    /** A data set the model was trained on. */
    public CardFrontMatter withDataset(String name) {
        CardFrontMatter c = copy();
        c.datasets.add(name);
        return c;
    }

    /** Tags, in order. */
    public CardFrontMatter withTags(String... values) {
        CardFrontMatter c = copy();
        c.tags.addAll(List.of(values));
        return c;
    }

    /**
     * One evaluation result of the model-index entry {@code indexName}: the task type, the data set
     * (its name is also its type, on its test split) and the metrics.
     */
    public CardFrontMatter withResult(String indexName, String taskType, String dataset, Metric... metrics) {
        return withResult(indexName, taskType, null, dataset, metrics);
    }

    /** As {@link #withResult(String, String, String, Metric...)} with a task name (e.g. a multi-task head). */
    public CardFrontMatter withResult(String indexName, String taskType, String taskName, String dataset, Metric... metrics) {
        CardFrontMatter c = copy();
        c.indexName = indexName;
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("type", taskType);
        if (taskName != null) {
            task.put("name", taskName);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", dataset);
        data.put("type", dataset);
        data.put("split", "test");
        List<Map<String, Object>> ms = new ArrayList<>();
        for (Metric m : metrics) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("type", m.type());
            if (m.name() != null) {
                e.put("name", m.name());
            }
            e.put("value", m.value());
            ms.add(e);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("task", task);
        result.put("dataset", data);
        result.put("metrics", ms);
        c.results.add(result);
        return c;
    }

    /** A field of Graft's own (e.g. {@code graft:} with the recipe), after the hub's fields. */
    public CardFrontMatter withExtra(String key, Object value) {
        CardFrontMatter c = copy();
        c.extra.put(key, value);
        return c;
    }

    /** The front matter, fields in the order the hub shows them. */
    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>();
        if (fields.containsKey("base_model")) {
            out.put("base_model", fields.get("base_model"));
        }
        if (!datasets.isEmpty()) {
            out.put("datasets", List.copyOf(datasets));
        }
        for (String key : List.of("library_name", "license", "pipeline_tag")) {
            if (fields.containsKey(key)) {
                out.put(key, fields.get(key));
            }
        }
        if (!tags.isEmpty()) {
            out.put("tags", List.copyOf(tags));
        }
        if (!results.isEmpty()) {
            Map<String, Object> index = new LinkedHashMap<>();
            index.put("name", indexName);
            index.put("results", List.copyOf(results));
            out.put("model-index", List.of(index));
        }
        out.putAll(extra);
        return out;
    }
}
