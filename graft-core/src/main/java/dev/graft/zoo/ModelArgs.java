package dev.graft.zoo;

/**
 * What an architecture's constructor receives from {@link Zoo#create}: the resolved number of
 * classes, input channels, input size and dropout rate.
 *
 * @param numClasses classifier outputs (0 = no classifier)
 * @param inChans input channels
 * @param imgSize input height and width (square), used by models with position embeddings
 * @param dropRate dropout before the classifier
 */
public record ModelArgs(int numClasses, int inChans, int imgSize, double dropRate) {
    public ModelArgs {
        if (numClasses < 0 || inChans < 1 || imgSize < 1 || dropRate < 0 || dropRate >= 1) {
            throw new dev.graft.GraftException("invalid model arguments: num_classes=" + numClasses + ", in_chans=" + inChans
                    + ", img_size=" + imgSize + ", drop_rate=" + dropRate,
                    "use num_classes >= 0, in_chans >= 1, img_size >= 1 and 0 <= drop_rate < 1");
        }
    }
}
