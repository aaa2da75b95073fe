package org.ddim4j.samples;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * A subcommand of {@code ./ddim}: picocli fills its annotated options (and makes its usage from them), then
 * {@link #run} does the work. Bad flags are {@link UsageException}s (exit 2); anything else thrown is a failure
 * (exit 1), see {@link Ddim}.
 */
abstract class DdimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        run(Ddim.out(spec));
        return 0;
    }

    /** Runs the command, printing to {@code out}. */
    abstract void run(PrintStream out) throws Exception;

    /** The command as typed after {@code ./ddim}: "sample", "eval features". */
    String commandName() {
        return Ddim.commandName(spec);
    }

    /** A usage error (exit 2) naming this command. */
    UsageException usageError(String message) {
        return new UsageException(commandName() + ": " + message);
    }
}
