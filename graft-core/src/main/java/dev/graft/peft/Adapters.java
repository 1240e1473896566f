package dev.graft.peft;

import dev.graft.GraftException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Several LoRA adapters on one base model, switched by name (PEFT's {@code set_adapter}): one is
 * active at a time, the others wait with their weights loaded; {@link #useNone()} gives the base back.
 *
 * <pre>{@code
 * Adapters on = new Adapters();
 * on.add(LoraAdapter.load(topicsDir, "topics").apply(model));
 * on.add(LoraAdapter.load(sentimentDir, "sentiment").apply(model));
 * on.use("topics");      // model now computes with the topics adapter
 * on.use("sentiment");
 * on.useNone();          // the base model
 * }</pre>
 */
public final class Adapters implements AutoCloseable {
    private final Map<String, LoraAdapter> byName = new LinkedHashMap<>();
    private LoraAdapter current;

    /** Adds an adapter already applied to the base; the first one added stays active until {@link #use} picks another. */
    public Adapters add(LoraAdapter adapter) {
        if (byName.containsKey(adapter.name())) {
            throw new GraftException("an adapter named '" + adapter.name() + "' is already loaded", "load the second one under another name");
        }
        byName.put(adapter.name(), adapter);
        if (current == null && adapter.active()) {
            current = adapter;
        } else if (adapter.active()) {
            adapter.deactivate();
        }
        return this;
    }

    /** Makes {@code name} the active adapter. */
    public void use(String name) {
        LoraAdapter a = byName.get(name);
        if (a == null) {
            throw new GraftException("no adapter named '" + name + "'", "use one of " + byName.keySet());
        }
        if (current != null && current != a) {
            current.deactivate();
        }
        a.activate();
        current = a;
    }

    /** Deactivates every adapter: the model computes as its base. */
    public void useNone() {
        if (current != null) {
            current.deactivate();
        }
        current = null;
    }

    /** The active adapter's name, or null. */
    public String active() {
        return current == null ? null : current.name();
    }

    public Set<String> names() {
        return java.util.Collections.unmodifiableSet(byName.keySet());
    }

    @Override
    public void close() {
        byName.values().forEach(LoraAdapter::close);
    }
}
