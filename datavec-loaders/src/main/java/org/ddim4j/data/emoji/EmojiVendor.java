package org.ddim4j.data.emoji;

/**
 * Whose drawings of the emoji: each vendor's images come in their own npm package of iamcal's emoji-data
 * (version {@link #VERSION}), with the same {@code emoji.json} and the same file names (the code points), so an
 * emoji's category and subcategory are the same for every vendor.
 */
public enum EmojiVendor {
    /** Google's Noto emoji, the default set: 3,786 images; images under the Apache License 2.0. */
    NOTO("emoji-datasource-google", "google", 74, "Apache License 2.0"),
    /**
     * Twitter's Twemoji: 3,786 images drawn flatter, with the same code points; images under CC-BY 4.0
     * ("Twemoji by Twitter, Inc and other contributors"), which asks that anything made from them credits them.
     */
    TWEMOJI("emoji-datasource-twitter", "twitter", 62, "CC-BY 4.0");

    /** The packages' version: the images and emoji.json the readers index. */
    public static final String VERSION = "16.0.0";

    private final String packageName;
    private final String imageFolder;
    private final int megabytes;
    private final String imageLicence;

    EmojiVendor(String packageName, String imageFolder, int megabytes, String imageLicence) {
        this.packageName = packageName;
        this.imageFolder = imageFolder;
        this.megabytes = megabytes;
        this.imageLicence = imageLicence;
    }

    /** The npm package: {@code emoji-datasource-google}. */
    public String packageName() {
        return packageName;
    }

    /** The 64-pixel images inside the package: {@code img/google/64}. */
    public String imageDir() {
        return "img/" + imageFolder + "/64";
    }

    /** The package as {@code npm pack} writes it: {@code emoji-datasource-google-16.0.0.tgz}. */
    public String tarball() {
        return folderName() + ".tgz";
    }

    /** The cache folder's name: {@code emoji-datasource-google-16.0.0}. */
    public String folderName() {
        return packageName + "-" + VERSION;
    }

    /** {@code emoji-datasource-google@16.0.0}, as npm names it. */
    public String spec() {
        return packageName + "@" + VERSION;
    }

    /** The tarball's size, for the log line of a first fetch. */
    public int megabytes() {
        return megabytes;
    }

    /** The licence of the images (the package's code and emoji.json are MIT). */
    public String imageLicence() {
        return imageLicence;
    }
}
