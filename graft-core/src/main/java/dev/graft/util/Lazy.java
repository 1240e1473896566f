package dev.graft.util;

import java.util.function.Supplier;

/**
 * A value made on first use, once even when threads race for it; a failed attempt leaves nothing
 * behind, so the next call tries again.
 *
 * <pre>{@code
 * private static final Lazy<Engine> ENGINE = new Lazy<>(Engines::startEngine);
 * Engine e = ENGINE.get();
 * }</pre>
 */
public final class Lazy<T> {
    private final Supplier<T> make;
    private volatile T value;

    /** @param make makes the value; it must not return null */
    public Lazy(Supplier<T> make) {
        this.make = make;
    }

    /** The value, made now if this is the first call. */
    public T get() {
        T v = value;
        if (v != null) {
            return v;
        }
        synchronized (this) {
            if (value == null) {
                value = make.get();
            }
            return value;
        }
    }

    /** The value if it has been made, else null; makes nothing. */
    public T ifMade() {
        return value;
    }
}
