package org.ddim4j.unet;

/** What a tensor of the network is, and how its PyTorch layout maps to the SameDiff one. */
public enum ParamKind {
    /** Convolution kernel: PyTorch [out, in, kh, kw], SameDiff [kh, kw, in, out]. Trained. */
    CONV,
    /** Linear weight: PyTorch [out, in], SameDiff [in, out]. Trained. */
    LINEAR,
    /** Bias or normalisation scale/shift, same layout in both. Trained. */
    VECTOR,
    /** BatchNorm running mean or variance, same layout; updated from batch statistics, not by the optimiser. */
    RUNNING_STAT,
    /** BatchNorm's num_batches_tracked: an int64 scalar in PyTorch; not used by the graph. */
    COUNTER;

    public boolean trainable() {
        return this == CONV || this == LINEAR || this == VECTOR;
    }

    /** The SameDiff-layout shape of a tensor with this PyTorch shape. */
    public long[] sameDiffShape(long[] torch) {
        return switch (this) {
            case CONV -> new long[]{torch[2], torch[3], torch[1], torch[0]};
            case LINEAR -> new long[]{torch[1], torch[0]};
            default -> torch.clone();
        };
    }
}
