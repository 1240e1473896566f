package dev.graft.zoo;

/**
 * What an architecture's constructor receives from {@link Zoo#create}: the resolved number of
 * classes, input channels, input size, dropout rate and stochastic-depth rate.
 *
 * @param numClasses classifier outputs (0 = no classifier)
 * @param inChans input channels
 * @param imgSize input height and width (square), used by models with position embeddings
 * @param dropRate dropout before the classifier
 * @param dropPathRate timm's {@code drop_path_rate}: stochastic depth of the residual blocks, rising
 *     to this rate at the last block (ViT, ConvNeXt, EfficientNet, MobileNetV3; 0 = none)
 */
public record ModelArgs(int numClasses, int inChans, int imgSize, double dropRate, double dropPathRate) {
    public ModelArgs {
        if (numClasses < 0 || inChans < 1 || imgSize < 1 || dropRate < 0 || dropRate >= 1 || dropPathRate < 0 || dropPathRate >= 1) {
            throw new dev.graft.GraftException("invalid model arguments: num_classes=" + numClasses + ", in_chans=" + inChans
                    + ", img_size=" + imgSize + ", drop_rate=" + dropRate + ", drop_path_rate=" + dropPathRate,
                    "use num_classes >= 0, in_chans >= 1, img_size >= 1 and rates in [0, 1)");
        }
    }

    /** Arguments without stochastic depth. */
    public ModelArgs(int numClasses, int inChans, int imgSize, double dropRate) {
        this(numClasses, inChans, imgSize, dropRate, 0);
    }
}
