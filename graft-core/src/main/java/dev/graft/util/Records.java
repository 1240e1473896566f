package dev.graft.util;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;

/**
 * Copies of a record with some components changed, through its canonical constructor (so its
 * validation runs again): the one implementation behind the {@code withX} methods of Graft's option
 * records ({@code TrainConfig}, {@code AdaptOptions}, {@code Loop}...), instead of each wither
 * spelling out every other component.
 *
 * <pre>{@code
 * public TrainConfig withLr(double v) {
 *     return Records.with(this, "lr", v);
 * }
 * }</pre>
 */
public final class Records {
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private Records() {
    }

    /**
     * {@code record} with the named components set to the values that follow each name
     * ({@code "epochs", 5, "seed", 7L}); every other component keeps its value. A primitive
     * component takes its boxed value or a narrower one ({@code int} for {@code long}).
     *
     * @throws IllegalArgumentException when a name is not a component of the record
     */
    public static <R extends Record> R with(R record, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("give a value after each component name");
        }
        Shape shape = SHAPES.get(record.getClass());
        Object[] args = shape.values(record);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            args[shape.index(namesAndValues[i])] = namesAndValues[i + 1];
        }
        try {
            @SuppressWarnings("unchecked")
            R copy = (R) shape.constructor().newInstance(args);
            return copy;
        } catch (InvocationTargetException e) {
            // the canonical constructor's own exception (a validation error) goes to the caller unchanged
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InstantiationException | IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record type's component names, accessors and canonical constructor. */
    private record Shape(String type, String[] names, Method[] accessors, Constructor<?> constructor) {
        static Shape of(Class<?> type) {
            RecordComponent[] cs = type.getRecordComponents();
            if (cs == null) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            Method[] accessors = new Method[cs.length];
            Class<?>[] types = new Class<?>[cs.length];
            for (int i = 0; i < cs.length; i++) {
                accessors[i] = cs[i].getAccessor();
                accessors[i].setAccessible(true);
                types[i] = cs[i].getType();
            }
            try {
                Constructor<?> c = type.getDeclaredConstructor(types);
                c.setAccessible(true);
                return new Shape(type.getSimpleName(), Arrays.stream(cs).map(RecordComponent::getName).toArray(String[]::new),
                        accessors, c);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(e);
            }
        }

        Object[] values(Object record) {
            Object[] out = new Object[accessors.length];
            try {
                for (int i = 0; i < accessors.length; i++) {
                    out[i] = accessors[i].invoke(record);
                }
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(e);
            }
            return out;
        }

        int index(Object name) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(name)) {
                    return i;
                }
            }
            throw new IllegalArgumentException(type + " has no component '" + name + "' (it has " + String.join(", ", names) + ")");
        }
    }
}
