package dev.graft.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.adapt.AdaptOptions;
import dev.graft.multitask.MultiTask;
import dev.graft.train.OptimizerKind;
import dev.graft.train.TrainConfig;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records.with copies a record with named components changed, through the canonical constructor. */
class RecordsTest {
    private record Point(int x, long y, String label) {
        Point {
            if (x < 0) {
                throw new GraftException("x " + x + " is negative", "use x >= 0");
            }
        }
    }

    @Test
    void changesOnlyTheNamedComponents() {
        Point p = new Point(1, 2, "a");
        assertEquals(new Point(5, 2, "a"), Records.with(p, "x", 5));
        assertEquals(new Point(1, 7, "b"), Records.with(p, "y", 7, "label", "b"), "an int widens to a long component");
        assertEquals(new Point(1, 2, null), Records.with(p, "label", null));
        assertNotSame(p, Records.with(p));
        assertEquals(p, Records.with(p));
    }

    @Test
    void validationRunsAgainAndItsErrorComesThrough() {
        GraftException e = assertThrows(GraftException.class, () -> Records.with(new Point(1, 2, "a"), "x", -1));
        assertTrue(e.getMessage().contains("x -1 is negative"), e.getMessage());
    }

    @Test
    void anUnknownComponentIsNamedWithTheOnesThereAre() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Records.with(new Point(1, 2, "a"), "z", 1));
        assertEquals("Point has no component 'z' (it has x, y, label)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Records.with(new Point(1, 2, "a"), "x"));
    }

    /** Every one-argument {@code withX} of the option records sets component {@code x} to its argument and leaves the rest. */
    @Test
    void everyWitherOfTheOptionRecordsSetsItsOwnComponent() throws Exception {
        List<Record> records = List.of(TrainConfig.defaults(), AdaptOptions.defaults(),
                MultiTask.of("small_cnn", () -> null, "multimnist"));
        int checked = 0;
        for (Record r : records) {
            for (Method m : r.getClass().getMethods()) {
                RecordComponent c = componentFor(r, m);
                Object value = c == null ? null : sample(c.getType(), c.getAccessor().invoke(r));
                if (value == null) {
                    continue; // not a one-component wither, or a type with no sample here (see below)
                }
                Record copy = (Record) m.invoke(r, value);
                for (RecordComponent other : r.getClass().getRecordComponents()) {
                    Object expected = other == c || other.getName().equals(c.getName()) ? value : other.getAccessor().invoke(r);
                    assertEquals(expected, other.getAccessor().invoke(copy), r.getClass().getSimpleName() + "." + m.getName() + " -> " + other.getName());
                }
                checked++;
            }
        }
        assertTrue(checked >= 30, "withers checked: " + checked);
    }

    private static RecordComponent componentFor(Record r, Method m) {
        if (!m.getName().startsWith("with") || m.getParameterCount() != 1 || m.getName().length() < 5) {
            return null;
        }
        String name = m.getName().substring(4, 5).toLowerCase(Locale.ROOT) + m.getName().substring(5);
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (c.getName().equals(name) && c.getType() == m.getParameterTypes()[0]) {
                return c;
            }
        }
        return null;
    }

    /** A valid value of {@code type} other than {@code current}, or null for a type without samples. */
    private static Object sample(Class<?> type, Object current) {
        List<Object> candidates = new ArrayList<>();
        if (type == int.class) {
            candidates.addAll(List.of(3, 4));
        } else if (type == long.class) {
            candidates.addAll(List.of(9L, 10L));
        } else if (type == double.class) {
            candidates.addAll(List.of(0.25, 0.5));
        } else if (type == boolean.class) {
            candidates.addAll(List.of(true, false));
        } else if (type == Path.class) {
            candidates.add(Path.of("runs", "x"));
        } else if (type == OptimizerKind.class) {
            candidates.addAll(List.of(OptimizerKind.values()));
        } else if (type == Map.class) {
            candidates.add(Map.of("task", 0.5));
        } else if (type == List.class) {
            candidates.add(List.of("a", "b"));
        } else if (type == String.class) {
            candidates.add("other");
        }
        return candidates.stream().filter(v -> !v.equals(current)).findFirst().orElse(null);
    }

    @Test
    void theWithersThatSetTwoComponentsSetBoth() {
        MultiTask m = MultiTask.of("small_cnn", () -> null, "multimnist").withWeighting("pcgrad");
        assertEquals("pcgrad", m.weightingName());
        assertEquals(null, m.weighting());
        MultiTask f = m.withLabelFraction("digit", 0.5).withLabelFraction("parity", 0.25);
        assertEquals(Map.of("digit", 0.5, "parity", 0.25), f.labelFractions());
        assertEquals(m.epochs(), f.epochs());
    }
}
