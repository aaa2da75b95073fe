package org.ddim4j.io;

/** A tensor file (npz, npy, safetensors, model file) that cannot be read: names the file and the problem. */
public class TensorFormatException extends RuntimeException {
    public TensorFormatException(String message) {
        super(message);
    }

    public TensorFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
