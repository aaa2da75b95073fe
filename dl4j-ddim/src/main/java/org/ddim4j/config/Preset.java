package org.ddim4j.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The configurations shipped with ddim4j: the seed's nine YAML files as distributed and the emoji demo's small
 * model. Each has one name for its YAML file and one for its model-zoo entry; they differ only for the emoji
 * model ({@code emoji_demo.yml}, zoo entry {@code emoji}), and either name finds it.
 */
public enum Preset {
    ANIME("anime"),
    CELEBA("celeba"),
    CELEBA_SMALL("celeba_small"),
    CHURCH("church"),
    CIFAR10("cifar10"),
    FFHQ("ffhq"),
    FLOWERS102("flowers102"),
    IMAGENET64("imagenet64"),
    MINIPLACES("miniplaces"),
    EMOJI("emoji_demo", "emoji");

    private final String configName;
    private final String zooName;

    Preset(String configName) {
        this(configName, configName);
    }

    Preset(String configName, String zooName) {
        this.configName = configName;
        this.zooName = zooName;
    }

    /** The YAML file's name without {@code .yml}: {@code celeba}, {@code emoji_demo}. */
    public String configName() {
        return configName;
    }

    /** The model-zoo entry's name: {@code celeba}, {@code emoji}. */
    public String zooName() {
        return zooName;
    }

    /** The classpath resource of the YAML file. */
    public String resource() {
        return "/org/ddim4j/configs/" + configName + ".yml";
    }

    /** True if {@code name} is a preset's config or zoo name. */
    public static boolean isPreset(String name) {
        return Arrays.stream(values()).anyMatch(p -> p.configName.equals(name) || p.zooName.equals(name));
    }

    /** The preset of this config or zoo name; the error lists them all. */
    public static Preset of(String name) {
        for (Preset p : values()) {
            if (p.configName.equals(name) || p.zooName.equals(name)) {
                return p;
            }
        }
        throw new ConfigException("Unknown preset '" + name + "'; presets are " + configNames());
    }

    /** Every preset's config name, in declaration order. */
    public static List<String> configNames() {
        return Arrays.stream(values()).map(Preset::configName).toList();
    }

    /** Every preset's zoo name, in declaration order. */
    public static List<String> zooNames() {
        return Arrays.stream(values()).map(Preset::zooName).toList();
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
