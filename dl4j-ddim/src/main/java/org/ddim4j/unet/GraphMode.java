package org.ddim4j.unet;

/** Whether a graph is built for training or for evaluation (sampling, inversion). */
public enum GraphMode {
    /** Dropout active; BatchNorm normalises with batch statistics and exposes them for the running averages. */
    TRAIN,
    /** No dropout; BatchNorm uses its running statistics. */
    EVAL
}
