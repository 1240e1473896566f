package dev.graft.cli.spark;

import dev.graft.cli.train.ExportedModelOption;
import dev.graft.spark.SparkJob;
import picocli.CommandLine.Mixin;

/** A {@code graft spark} verb over images: the model is an exported one ({@code --model} as {@code graft predict} takes it). */
abstract class ImageSparkVerb extends SparkVerb {
    @Mixin
    ExportedModelOption model;

    ImageSparkVerb(SparkJob.Transform transform, String added) {
        super(transform, added);
    }

    @Override
    String model() {
        return model.name();
    }
}
