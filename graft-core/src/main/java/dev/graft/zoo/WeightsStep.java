package dev.graft.zoo;

/**
 * What must be done before a catalogue tag can be created with its weights on this machine (see
 * {@link Zoo#weightsStep}): another step its family or Graft's shipped weights name, and whether
 * pretraining the architecture on a data set makes the weights here. A front end words the
 * pretraining in its own terms (the CLI names its {@code pretrain} command); {@link #describe} is
 * the library's wording.
 *
 * @param other a step such as putting an artifact on the class path, or null
 * @param pretrain whether pretraining {@code architecture} makes the weights
 * @param architecture the architecture of the tag
 * @param data the data set a {@code graft_<data>} tag is pretrained on ({@code step-test} for
 *     {@code graft_step_test}), or null when the tag does not name one
 */
public record WeightsStep(String other, boolean pretrain, String architecture, String data) {
    /** The step in the library's words, e.g. {@code "make them by pretraining small_cnn on mnist (Pretrain.run)"}. */
    public String describe() {
        String make = "make them by pretraining " + architecture + " on " + (data == null ? "a data set" : data) + " (Pretrain.run)";
        if (!pretrain) {
            return other;
        }
        return other == null ? make : other + ", or " + make;
    }
}
