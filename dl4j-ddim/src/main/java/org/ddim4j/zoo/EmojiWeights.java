package org.ddim4j.zoo;

/** The shipped emoji weights' checksum (see pretrained/emoji/README.md for how they were trained). */
final class EmojiWeights {
    /** Adler-32 of {@link DdimZooModel#EMOJI_RESOURCE}. */
    static final long ADLER32 = 1512999041L;

    private EmojiWeights() {
    }
}
