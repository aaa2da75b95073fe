package org.ddim4j.unet;

import java.util.List;

/** A weight file whose tensors do not fit the network: lists the missing, unexpected and mis-shaped names. */
public class WeightMismatchException extends IllegalArgumentException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> misshaped;

    public WeightMismatchException(String source, List<String> missing, List<String> unexpected,
                                   List<String> misshaped) {
        super(message(source, missing, unexpected, misshaped));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.misshaped = List.copyOf(misshaped);
    }

    private static String message(String source, List<String> missing, List<String> unexpected,
                                  List<String> misshaped) {
        StringBuilder sb = new StringBuilder(source).append(" does not fit the network:");
        if (!missing.isEmpty()) {
            sb.append("\n  missing tensors (").append(missing.size()).append("): ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n  unexpected tensors (").append(unexpected.size()).append("): ").append(unexpected);
        }
        if (!misshaped.isEmpty()) {
            sb.append("\n  mis-shaped tensors (").append(misshaped.size()).append("): ").append(misshaped);
        }
        return sb.toString();
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> misshaped() {
        return misshaped;
    }
}
