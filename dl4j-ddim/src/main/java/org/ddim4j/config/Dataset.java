package org.ddim4j.config;

/**
 * The datasets the readers of {@code datavec-loaders} know ({@code data.dataset}); see the README's dataset
 * table for their files and licences.
 */
public enum Dataset {
    CELEBA,
    FFHQ,
    CHURCH,
    FLOWERS102,
    IMAGENET64,
    MINIPLACES,
    ANIME,
    CIFAR10,
    /** Google's Noto emoji labelled by category (10 classes). */
    EMOJI,
    /** The same images labelled by subcategory. */
    EMOJI_SUBCATEGORIES,
    /** The "Smileys &amp; Emotion" category only, labelled by subcategory. */
    EMOJI_SMILEYS,
    /** The same category drawn by Twitter's Twemoji (CC-BY 4.0), labelled by subcategory. */
    EMOJI_SMILEYS_TWEMOJI,
    /** The category drawn by both: Noto's images, then Twemoji's, labelled by subcategory. */
    EMOJI_SMILEYS_NOTO_TWEMOJI;

    /** The YAML and command-line spelling: {@code celeba}, {@code emoji-smileys}. */
    public String key() {
        return Choices.name(this);
    }

    /** The dataset spelt {@code name}; else an error naming {@code key} and the datasets. */
    public static Dataset of(String key, String name) {
        return Choices.parse(key, name, Dataset.class);
    }

    /** The YAML and command-line spelling. */
    @Override
    public String toString() {
        return key();
    }
}
