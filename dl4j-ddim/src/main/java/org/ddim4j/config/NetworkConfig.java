package org.ddim4j.config;

import java.util.List;

/**
 * The {@code network} section: the seed's U-Net epsilon-network.
 *
 * @param hiddenChannels channels of the first level (and width of the sinusoidal time embedding)
 * @param numBlocks      residual blocks per level on the way down (one more on the way up)
 * @param channelMults   channel multiplier of each level; the number of levels is its length
 * @param attentionSizes resolutions (feature map widths) at which self-attention follows each block
 * @param embedChannels  width of the time embedding after its two linear layers
 * @param dropout        dropout probability inside residual blocks, applied only while training
 * @param numGroups      GroupNorm groups (eps 1e-6); {@code -1} selects BatchNorm
 * @param ema            decay of the exponential moving average of the weights used for sampling
 * @param doConvSample   3x3 convolution after each down- and up-sampling
 * @param classConditional whether the network also takes a class label (an addition; default false, the seed's
 *                       unconditional network): a learned embedding of the label added to the time embedding, trained
 *                       with the label sometimes dropped so that one network also predicts unconditionally
 *                       (classifier-free guidance, Ho and Salimans 2022)
 * @param classNames     the classes of a conditional network, indexed by label; empty in a config that is yet to be
 *                       trained (training fills them from the dataset) and in an unconditional one
 * @param classCounts    training images per class, in the order of {@code classNames}: the prior that samples draw
 *                       their labels from, so that generated classes follow the data's proportions
 */
public record NetworkConfig(int hiddenChannels, int numBlocks, List<Integer> channelMults,
                            List<Integer> attentionSizes, int embedChannels, double dropout, int numGroups,
                            double ema, boolean doConvSample, boolean classConditional, List<String> classNames,
                            List<Integer> classCounts) {
    /** The value of {@code num_groups} that selects BatchNorm instead of GroupNorm. */
    public static final int BATCH_NORM = -1;

    public NetworkConfig {
        Check.positive("network.hidden_channels", hiddenChannels);
        if (hiddenChannels % 2 != 0 || hiddenChannels < 4) {
            throw new InvalidValueException("network.hidden_channels", hiddenChannels,
                    "expected an even number >= 4 (it is also the sinusoidal embedding width)");
        }
        Check.positive("network.num_blocks", numBlocks);
        Check.notNull("network.channel_mults", channelMults);
        if (channelMults.isEmpty() || channelMults.stream().anyMatch(m -> m == null || m <= 0)) {
            throw new InvalidValueException("network.channel_mults", channelMults,
                    "expected a non-empty list of positive integers");
        }
        channelMults = List.copyOf(channelMults);
        attentionSizes = attentionSizes == null ? List.of() : List.copyOf(attentionSizes);
        if (attentionSizes.stream().anyMatch(s -> s == null || s <= 0)) {
            throw new InvalidValueException("network.attention_sizes", attentionSizes,
                    "expected a list of positive resolutions");
        }
        Check.positive("network.embed_channels", embedChannels);
        Check.inRange("network.dropout", dropout, 0, 1, false);
        if (numGroups != BATCH_NORM) {
            if (numGroups <= 0) {
                throw new InvalidValueException("network.num_groups", numGroups,
                        "expected a positive number of groups (GroupNorm) or -1 (BatchNorm)");
            }
            for (int mult : channelMults) {
                if ((hiddenChannels * mult) % numGroups != 0) {
                    throw new InvalidValueException("network.num_groups", numGroups,
                            "must divide every level's channel count (hidden_channels " + hiddenChannels
                                    + " x channel_mults " + channelMults + ")");
                }
            }
        }
        Check.inRange("network.ema", ema, 0, 1, true);
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        classCounts = classCounts == null ? List.of() : List.copyOf(classCounts);
        if (!classConditional && !(classNames.isEmpty() && classCounts.isEmpty())) {
            throw new InvalidValueException("network.class_names", classNames,
                    "expected none: class names and counts belong to a network with class_conditional: true");
        }
        if (classNames.size() != classCounts.size()) {
            throw new InvalidValueException("network.class_counts", classCounts,
                    "expected one count per class name (" + classNames.size() + " names)");
        }
        if (classNames.stream().anyMatch(n -> n == null || n.isBlank()) || classNames.stream().distinct().count() != classNames.size()) {
            throw new InvalidValueException("network.class_names", classNames, "expected distinct non-empty names");
        }
        if (classCounts.stream().anyMatch(c -> c == null || c < 0) || (!classCounts.isEmpty()
                && classCounts.stream().mapToInt(Integer::intValue).sum() == 0)) {
            throw new InvalidValueException("network.class_counts", classCounts,
                    "expected non-negative image counts, not all zero");
        }
    }

    /** The seed's unconditional network. */
    public NetworkConfig(int hiddenChannels, int numBlocks, List<Integer> channelMults, List<Integer> attentionSizes,
                         int embedChannels, double dropout, int numGroups, double ema, boolean doConvSample) {
        this(hiddenChannels, numBlocks, channelMults, attentionSizes, embedChannels, dropout, numGroups, ema,
                doConvSample, false, List.of(), List.of());
    }

    /** Number of class labels the network takes (0: unconditional, or conditional with its classes yet to be filled). */
    public int numClasses() {
        return classNames.size();
    }

    /** This network conditioned on the given classes (training fills them from its dataset). */
    public NetworkConfig withClasses(List<String> names, List<Integer> counts) {
        if (!classConditional) {
            throw new IllegalStateException("an unconditional network has no classes");
        }
        return new NetworkConfig(hiddenChannels, numBlocks, channelMults, attentionSizes, embedChannels, dropout,
                numGroups, ema, doConvSample, true, names, counts);
    }

    public int numLevels() {
        return channelMults.size();
    }

    public boolean batchNorm() {
        return numGroups == BATCH_NORM;
    }

    public NetworkConfig withHiddenChannels(int channels) {
        return new NetworkConfig(channels, numBlocks, channelMults, attentionSizes, embedChannels, dropout,
                numGroups, ema, doConvSample, classConditional, classNames, classCounts);
    }
}
