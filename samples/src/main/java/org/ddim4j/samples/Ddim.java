package org.ddim4j.samples;

import org.ddim4j.config.ConfigException;
import org.ddim4j.data.DatasetNotFoundException;
import org.ddim4j.io.TensorFormatException;
import org.ddim4j.train.TrainingDivergedException;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The {@code ./ddim} launcher: one picocli command per subcommand, usage and shell completion generated from their
 * annotated options. Exit codes: 0 success; 1 a bad value or file, or a failure (training stopped, ...); 2 bad
 * flags (unknown, missing, unparsable, out of range); 3 an internal error (an exception no check anticipated: a
 * bug); 4 the JVM ran out of a resource (memory, stack). Errors are one clear line on standard error, a usage error
 * followed by the command's usage; {@code --verbose} (anywhere on the line) adds the stack trace of failures.
 */
@Command(name = "ddim", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "ddim4j 0.1.0",
        synopsisSubcommandLabel = "COMMAND",
        description = "DDIM training, sampling, inversion and editing on Deeplearning4j. "
                + "./ddim COMMAND --help shows a command's options.")
public final class Ddim implements Callable<Integer> {
    /** The commands, in the order the usage lists them (then help and generate-completion). */
    private static final List<Class<? extends DdimCommand>> COMMANDS = List.of(DemoCommand.class, TrainCommand.class,
            SampleCommand.class, ForwardCommand.class, InvertCommand.class, TrainEncoderCommand.class,
            InterpolateCommand.class, InvertCompareCommand.class, ClassifierCommand.class, PairsCommand.class,
            BoundaryCommand.class, EditCommand.class, EvalCommand.class, DatasetCommand.class, SweepCommand.class,
            BenchCommand.class, ImportCommand.class, ExportCommand.class, EnvCommand.class);
    /** Exit code of an exception no check anticipated. */
    static final int INTERNAL_ERROR = 3;
    /** Exit code of an {@link Error}: out of memory, stack overflow. */
    static final int OUT_OF_RESOURCES = 4;

    private final PrintStream out;
    private final PrintStream err;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "on a failure, print its stack trace after the one-line message")
    boolean verbose;

    private Ddim(PrintStream out, PrintStream err) {
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
        CommandLine cl = commandLine(out, err, args.length > 0 ? args[0] : null);
        try {
            return cl.execute(args);
        } catch (Error e) {
            // picocli hands exceptions to failed(); an Error (out of memory, stack overflow) comes through here
            boolean verbose = ((Ddim) cl.getCommand()).verbose || java.util.Arrays.asList(args).contains("--verbose");
            return report(e, args.length > 0 ? args[0] : "", verbose, err);
        }
    }

    /**
     * One line for an unanticipated failure, its exit code, and the stack trace with {@code verbose}: an
     * {@link Error} is {@link #OUT_OF_RESOURCES} (with what to change), any other throwable {@link #INTERNAL_ERROR}.
     */
    static int report(Throwable e, String command, boolean verbose, PrintStream err) {
        String prefix = "ddim" + (command.isEmpty() ? "" : " " + command) + ": ";
        int code;
        if (e instanceof OutOfMemoryError) {
            err.println(prefix + "out of memory (" + e.getMessage() + "); raise DDIM_HEAP (Java heap) or DDIM_OFFHEAP and "
                    + "DDIM_PHYSICAL (native arrays), or use a smaller --batch");
            code = OUT_OF_RESOURCES;
        } else if (e instanceof StackOverflowError) {
            err.println(prefix + "stack overflow: an input nests too deeply");
            code = OUT_OF_RESOURCES;
        } else if (e instanceof Error) {
            err.println(prefix + "the JVM failed: " + e);
            code = OUT_OF_RESOURCES;
        } else {
            err.println(prefix + "internal error: " + e + (verbose ? "" : " (--verbose prints its stack trace)"));
            code = INTERNAL_ERROR;
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        return code;
    }

    /** The launcher's whole command tree, printing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        return commandLine(out, err, null);
    }

    /**
     * The command tree for a command line starting with {@code first}: the launcher with only that command when it
     * names one (picocli builds every command's model by reflection, about a third of a second at start-up for all of
     * them, which a one-shot command need not pay), else the whole tree (usage, help, completion, unknown commands).
     */
    private static CommandLine commandLine(PrintStream out, PrintStream err, String first) {
        CommandLine cl = new CommandLine(new Ddim(out, err));
        Class<? extends DdimCommand> only = COMMANDS.stream()
                .filter(c -> c.getAnnotation(Command.class).name().equals(first)).findFirst().orElse(null);
        for (Class<? extends DdimCommand> c : only != null ? List.of(only) : COMMANDS) {
            cl.addSubcommand(c);
        }
        if (only == null) {
            cl.addSubcommand(CommandLine.HelpCommand.class);
            cl.addSubcommand(AutoComplete.GenerateCompletion.class);
            cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        }
        Choice.registerConverters(cl);
        cl.setUsageHelpWidth(110);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler(Ddim::badFlags);
        cl.setExecutionExceptionHandler((e, command, parsed) -> failed(e, command));
        return cl;
    }

    /** No command given: the list of commands, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return 2;
    }

    /** The stream a command prints its results to. */
    static PrintStream out(CommandSpec spec) {
        return ((Ddim) spec.root().userObject()).out;
    }

    /** The command as typed after {@code ./ddim}: "sample", "eval features" ("" for the launcher itself). */
    static String commandName(CommandSpec spec) {
        String q = spec.qualifiedName(" ");
        return q.equals("ddim") ? "" : q.substring("ddim ".length());
    }

    private static int badFlags(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintStream err = ((Ddim) command.getCommandSpec().root().userObject()).err;
        String name = commandName(command.getCommandSpec());
        if (name.isEmpty() && e instanceof UnmatchedArgumentException) {
            err.println("ddim: unknown command '" + String.join(" ", ((UnmatchedArgumentException) e).getUnmatched())
                    + "'; commands: " + String.join(", ", command.getSubcommands().keySet()));
            return 2;
        }
        err.println("ddim " + (name.isEmpty() ? "" : name + ": ") + e.getMessage());
        command.usage(err);
        return 2;
    }

    private static int failed(Exception e, CommandLine command) {
        PrintStream err = ((Ddim) command.getCommandSpec().root().userObject()).err;
        String name = commandName(command.getCommandSpec());
        if (e instanceof UsageException) {
            err.println("ddim " + e.getMessage());
            command.usage(err);
            return 2;
        }
        if (e instanceof ConfigException || e instanceof TensorFormatException || e instanceof IllegalArgumentException
                || e instanceof DatasetNotFoundException || e instanceof TrainingDivergedException
                || e instanceof IllegalStateException) {
            // (IllegalStateException: a state the user can change, e.g. "the encoder method needs a trained encoder")
            err.println("ddim " + name + ": error: " + e.getMessage());
        } else if (e instanceof IOException || e instanceof java.io.UncheckedIOException) {
            err.println("ddim " + name + ": I/O error: " + (e instanceof java.io.UncheckedIOException u ? u.getMessage() : e));
        } else {
            return report(e, name, ((Ddim) command.getCommandSpec().root().userObject()).verbose, err);
        }
        if (((Ddim) command.getCommandSpec().root().userObject()).verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }
}
