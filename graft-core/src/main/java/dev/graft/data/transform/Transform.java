package dev.graft.data.transform;

import dev.graft.data.Pixels;
import java.util.Random;

/**
 * A step that turns one image into another (resize, crop, flip, normalise, ...). Random steps draw
 * only from the {@link Random} they are given, so a seeded loader repeats them exactly.
 *
 * <pre>{@code
 * Transform t = Transforms.randomCrop(28, 28, 2).then(Transforms.horizontalFlip(0.5));
 * Pixels out = t.apply(in, new Random(7));
 * }</pre>
 */
@FunctionalInterface
public interface Transform {
    /** Transforms {@code image}; must not modify it. */
    Pixels apply(Pixels image, Random random);

    /** This transform followed by {@code next}. */
    default Transform then(Transform next) {
        Transform first = this;
        return (image, random) -> next.apply(first.apply(image, random), random);
    }
}
