package org.ddim4j.unet;

import java.util.Arrays;

/**
 * One tensor of the network: its PyTorch {@code state_dict} name (also its SameDiff variable name), its
 * kind and its PyTorch shape.
 */
public record ParamSpec(String name, ParamKind kind, long[] torchShape) {
    public ParamSpec {
        torchShape = torchShape.clone();
    }

    public long[] sameDiffShape() {
        return kind.sameDiffShape(torchShape);
    }

    public long size() {
        long n = 1;
        for (long d : torchShape) {
            n *= d;
        }
        return n;
    }

    @Override
    public long[] torchShape() {
        return torchShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && p.kind == kind
                && Arrays.equals(p.torchShape, torchShape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(torchShape);
    }

    @Override
    public String toString() {
        return name + " " + kind + " " + Arrays.toString(torchShape);
    }
}
