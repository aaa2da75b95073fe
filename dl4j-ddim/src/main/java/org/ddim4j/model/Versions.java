package org.ddim4j.model;

/** Library versions recorded in model files and checkpoints. */
public final class Versions {
    private Versions() {
    }

    public static String ddim4j() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    public static String dl4j() {
        return "1.0.0-M2.1";
    }
}
