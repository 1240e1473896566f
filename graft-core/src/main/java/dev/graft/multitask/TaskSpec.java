package dev.graft.multitask;

import dev.graft.GraftException;
import java.util.List;

/**
 * One task of a multi-task data set: its name, kind and (for classification) class names.
 *
 * <pre>{@code
 * TaskSpec left = TaskSpec.classification("left", List.of("0", "1", ..., "9"));
 * TaskSpec size = TaskSpec.regression("stroke_mass");
 * }</pre>
 *
 * @param name task name, used for heads, metrics and {@code config.json}
 * @param kind classification or regression
 * @param classNames class names in output order (empty for regression)
 */
public record TaskSpec(String name, TaskKind kind, List<String> classNames) {
    public TaskSpec {
        if (name == null || !name.matches("[A-Za-z0-9_\\-]+")) {
            throw new GraftException("task name '" + name + "' is not usable", "use letters, digits, '_' or '-'");
        }
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        if (kind == TaskKind.CLASSIFICATION && classNames.size() < 2) {
            throw new GraftException("classification task '" + name + "' has " + classNames.size() + " classes",
                    "give at least two class names");
        }
        if (kind == TaskKind.REGRESSION && !classNames.isEmpty()) {
            throw new GraftException("regression task '" + name + "' has class names", "drop the class names");
        }
    }

    public static TaskSpec classification(String name, List<String> classNames) {
        return new TaskSpec(name, TaskKind.CLASSIFICATION, classNames);
    }

    public static TaskSpec regression(String name) {
        return new TaskSpec(name, TaskKind.REGRESSION, List.of());
    }

    /** Outputs of this task's head: the number of classes, or 1 for regression. */
    public int numOutputs() {
        return kind == TaskKind.CLASSIFICATION ? classNames.size() : 1;
    }
}
