package org.ddim4j.spark.cli;

import org.apache.spark.SparkException;
import org.ddim4j.config.ConfigException;
import org.ddim4j.io.TensorFormatException;
import org.ddim4j.sampler.SamplerKind;
import org.ddim4j.schedule.TimestepSpacing;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code ./ddim spark COMMAND}: ddim4j's workloads as Spark jobs. With {@code --master} (local[2], spark://...,
 * yarn) it starts its own Spark context; under spark-submit the submit line's settings apply. Exit codes as
 * {@code ./ddim}'s: 0 success, 1 a bad value or a failed job, 2 bad flags, 3 an internal error.
 */
@Command(name = "ddim spark", mixinStandardHelpOptions = true, version = "ddim4j 0.1.0", synopsisSubcommandLabel = "COMMAND",
        description = "ddim4j on Apache Spark: sampling, editing pairs, inversion, evaluation features, sweeps and "
                + "data-parallel training. ./ddim spark COMMAND --help shows a command's options.",
        subcommands = {SparkSampleCommand.class, SparkPairsCommand.class, SparkInvertCommand.class,
                SparkEvalCommand.class, SparkSweepCommand.class, SparkTrainCommand.class})
public final class SparkDdim implements Callable<Integer> {
    final PrintStream out;
    final PrintStream err;

    private SparkDdim(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new SparkDdim(out, err));
        cl.setUsageHelpWidth(110);
        cl.registerConverter(TimestepSpacing.class, parsedBy(TimestepSpacing::fromName));
        cl.registerConverter(SamplerKind.class, parsedBy(SamplerKind::of));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((ParameterException e, String[] a) -> {
            String name = e.getCommandLine().getCommandName();
            err.println((name.equals("ddim spark") ? name : "ddim spark " + name) + ": " + e.getMessage());
            e.getCommandLine().usage(err);
            return 2;
        });
        cl.setExecutionExceptionHandler((e, command, parsed) -> failed(e, "ddim spark " + command.getCommandName(), err));
        return cl.execute(args);
    }

    /** A converter from a parser whose IllegalArgumentException names the accepted values. */
    private static <E> CommandLine.ITypeConverter<E> parsedBy(java.util.function.Function<String, E> parser) {
        return value -> {
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(out);
        return 2;
    }

    /** One line for a failure: the user's mistake (exit 1) or a bug (exit 3). */
    static int failed(Exception e, String name, PrintStream err) {
        Throwable cause = rootOfJobFailure(e);
        if (cause instanceof IllegalArgumentException || cause instanceof ConfigException
                || cause instanceof TensorFormatException || cause instanceof IllegalStateException) {
            err.println(name + ": error: " + cause.getMessage());
            return 1;
        }
        if (cause instanceof java.io.IOException || cause instanceof java.io.UncheckedIOException) {
            err.println(name + ": I/O error: " + cause.getMessage());
            return 1;
        }
        if (e instanceof SparkException) {
            err.println(name + ": the Spark job failed: " + firstLine(e.getMessage()));
            return 1;
        }
        err.println(name + ": internal error: " + e);
        e.printStackTrace(err);
        return 3;
    }

    /** A task's exception travels to the driver as a SparkException whose cause is the task's own (local mode). */
    private static Throwable rootOfJobFailure(Throwable e) {
        Throwable t = e;
        while (t instanceof SparkException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
