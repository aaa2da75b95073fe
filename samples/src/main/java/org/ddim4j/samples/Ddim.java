package org.ddim4j.samples;

import org.ddim4j.data.DatasetNotFoundException;
import org.ddim4j.train.TrainingDivergedException;
import org.ddim4j.config.ConfigException;
import org.ddim4j.io.TensorFormatException;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code ./ddim} launcher: dispatches to one subcommand. Exit codes: 0 success, 1 failure (bad input
 * file, training stopped, ...), 2 usage error. Errors are one clear line on standard error.
 */
public final class Ddim {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new DemoCommand(), new TrainCommand(), new SampleCommand(), new ForwardCommand(), new InvertCommand(), new TrainEncoderCommand(), new InterpolateCommand(), new InvertCompareCommand(),
                new ClassifierCommand(), new PairsCommand(), new BoundaryCommand(), new EditCommand(),
                new EvalCommand(), new DatasetCommand(), new SweepCommand(), new BenchCommand(), new ImportCommand(), new ExportCommand(), new EnvCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Ddim() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            out.println("usage: ./ddim COMMAND [flags]   (./ddim COMMAND --help for its flags)\n\ncommands:");
            COMMANDS.values().forEach(c -> out.printf("  %-15s %s%n", c.name(), c.summary()));
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("ddim: unknown command '" + args[0] + "'; commands: " + String.join(", ", COMMANDS.keySet()));
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help")) {
            out.println(command.usage());
            return 0;
        }
        try {
            command.run(rest, out);
            return 0;
        } catch (UsageException e) {
            err.println("ddim " + e.getMessage());
            err.println(command.usage());
            return 2;
        } catch (ConfigException | TensorFormatException | IllegalArgumentException
                 | DatasetNotFoundException | TrainingDivergedException e) {
            err.println("ddim " + command.name() + ": error: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            err.println("ddim " + command.name() + ": I/O error: " + e);
            return 1;
        } catch (Exception e) {
            err.println("ddim " + command.name() + ": failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }
}
