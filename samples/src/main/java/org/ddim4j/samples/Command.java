package org.ddim4j.samples;

import java.io.PrintStream;

/** One subcommand of the {@code ddim} launcher. */
interface Command {
    String name();

    /** One line for the launcher's help. */
    String summary();

    /** The full usage text. */
    String usage();

    /** Runs the command; throws {@link UsageException} for bad flags, anything else for a failure. */
    void run(String[] args, PrintStream out) throws Exception;
}
