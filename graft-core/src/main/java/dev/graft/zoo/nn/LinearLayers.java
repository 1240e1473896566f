package dev.graft.zoo.nn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's linear layers by PyTorch module path ({@code vit.encoder.layer.0.attention.attention.query},
 * {@code blocks.3.attn.qkv}): the layers adapters attach to. A {@link Module} tree lists every
 * {@link AdaptableLinear} it holds ({@link Linear}, GPT-2's {@link Conv1D}); a model built otherwise (BERT)
 * implements this interface itself.
 *
 * <pre>{@code
 * Map<String, AdaptableLinear> layers = LinearLayers.of(model);   // a GraftModel, a BertModel, a Module
 * }</pre>
 */
public interface LinearLayers {
    /** The linear layers by module path, in the model's order. */
    Map<String, AdaptableLinear> linearLayers();

    /**
     * The linear layers of {@code model}: its own list when it implements this interface, else every
     * {@link AdaptableLinear} of its module tree; empty for anything else.
     */
    static Map<String, AdaptableLinear> of(Object model) {
        if (model instanceof LinearLayers l) {
            return l.linearLayers();
        }
        Map<String, AdaptableLinear> out = new LinkedHashMap<>();
        if (model instanceof Module m) {
            m.visit("", (name, child) -> {
                if (child instanceof AdaptableLinear lin) {
                    out.put(name, lin);
                }
            });
        }
        return out;
    }
}
