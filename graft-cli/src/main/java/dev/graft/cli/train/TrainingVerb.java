package dev.graft.cli.train;

import dev.graft.cli.OverwriteOption;
import dev.graft.cli.hub.PushOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/**
 * A verb that trains an image model into a run folder ({@code finetune}, {@code pretrain}): it takes
 * the training hyper-parameters, {@code --overwrite} for that folder and {@code --push-to} to publish
 * the model when it is done.
 */
abstract class TrainingVerb implements Callable<Integer> {
    @Mixin
    PushOptions push;

    @Mixin
    OverwriteOption overwrite;

    @Mixin
    TrainOptions train;
}
