package org.ddim4j.data;

/** A dataset's files are not where they should be; the message names the expected path and where to get them. */
public class DatasetNotFoundException extends RuntimeException {
    public DatasetNotFoundException(String message) {
        super(message);
    }

    public DatasetNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
