package dev.graft.weights;

import java.util.List;

/**
 * What loading a checkpoint into a model did, as PyTorch's {@code load_state_dict} result.
 *
 * @param loaded keys copied into the model
 * @param missing model keys the checkpoint lacks (left as initialised)
 * @param unexpected checkpoint keys the model does not have
 * @param adapted keys whose tensors were converted on the way (first conv for other input channels,
 *     resampled position embeddings)
 * @param skipped keys deliberately not loaded (the old classifier when the class count changes)
 * @param ignored keys accepted and dropped: buffers PyTorch files carry that are no parameters
 *     ({@code num_batches_tracked}, transformers' {@code position_ids}, GPT-2's attention masks
 *     {@code attn.bias} / {@code attn.masked_bias})
 * @param strippedPrefix the prefix every checkpoint key carried and that was removed to match the
 *     model's keys ({@code module.} of DataParallel, {@code model.}, {@code bert.}, ...), or "" when none;
 *     the other lists name keys without it
 */
public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected, List<String> adapted,
        List<String> skipped, List<String> ignored, String strippedPrefix) {
    /** A report of a checkpoint whose keys were used as they are. */
    public LoadReport(List<String> loaded, List<String> missing, List<String> unexpected, List<String> adapted,
            List<String> skipped, List<String> ignored) {
        this(loaded, missing, unexpected, adapted, skipped, ignored, "");
    }

    public LoadReport {
        strippedPrefix = strippedPrefix == null ? "" : strippedPrefix;
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        adapted = List.copyOf(adapted);
        skipped = List.copyOf(skipped);
        ignored = List.copyOf(ignored);
    }

    /** True when every model key was loaded and nothing was left over. */
    public boolean isExact() {
        return missing.isEmpty() && unexpected.isEmpty();
    }

    /** One line for users: counts and the first few missing/unexpected keys. */
    public String summary() {
        StringBuilder sb = new StringBuilder("loaded " + loaded.size() + " tensors");
        if (!strippedPrefix.isEmpty()) {
            sb.append(" (prefix '").append(strippedPrefix).append("' stripped from every key)");
        }
        if (!adapted.isEmpty()) {
            sb.append(", adapted ").append(adapted);
        }
        if (!skipped.isEmpty()) {
            sb.append(", new classifier (skipped ").append(skipped).append(')');
        }
        if (!missing.isEmpty()) {
            sb.append(", missing ").append(missing.size()).append(' ').append(head(missing));
        }
        if (!unexpected.isEmpty()) {
            sb.append(", unexpected ").append(unexpected.size()).append(' ').append(head(unexpected));
        }
        return sb.toString();
    }

    /** The first six keys of a list, for messages. */
    public static List<String> head(List<String> keys) {
        return keys.size() <= 6 ? keys : keys.subList(0, 6);
    }
}
