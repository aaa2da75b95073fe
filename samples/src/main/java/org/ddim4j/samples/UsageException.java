package org.ddim4j.samples;

/** A command line that cannot be run as written: unknown or missing flags, bad values. Exit code 2. */
public class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
