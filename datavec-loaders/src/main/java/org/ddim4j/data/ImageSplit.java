package org.ddim4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;

/**
 * One split of a dataset as its files hold it: images addressed by index, each with its label or
 * attributes where the dataset has them. Implementations read images on demand and are safe to call from
 * several threads.
 */
public interface ImageSplit extends AutoCloseable {
    /** The dataset's name as configs use it ({@code data.dataset}). */
    String dataset();

    Split split();

    int size();

    /** Image i decoded, at its stored size; an image that cannot be decoded throws an IOException naming it. */
    BufferedImage image(int index) throws IOException;

    /** Where image i is stored (a path, an archive entry, a database key), for messages. */
    String source(int index);

    /** Number of classes, or 0 when the dataset has no class labels. */
    default int numClasses() {
        return 0;
    }

    /** The class of image i in [0, numClasses()), or -1. */
    default int label(int index) {
        return -1;
    }

    /** The name of each class, indexed by label (empty when the dataset does not name them). */
    default List<String> classNames() {
        return List.of();
    }

    /** Names of binary attributes (CelebA's 40), empty when there are none. */
    default List<String> attributeNames() {
        return List.of();
    }

    /** The attributes of image i as 0/1, or null when there are none. */
    default int[] attributes(int index) {
        return null;
    }

    /** Releases what the split holds open (file channels, a database environment); most hold nothing. */
    @Override
    default void close() {
    }
}
