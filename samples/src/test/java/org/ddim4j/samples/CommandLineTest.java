package org.ddim4j.samples;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The launcher's command tree: help on every command, usage made from the options, completion, exit codes. */
class CommandLineTest {
    private static List<CommandLine> allCommands(CommandLine cl) {
        List<CommandLine> all = new ArrayList<>();
        all.add(cl);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandName().equals("help") && !sub.getCommandName().equals("generate-completion")) {
                all.addAll(allCommands(sub));
            }
        }
        return all;
    }

    @Test
    void everyCommandAnswersHelpWithAUsageThatNamesEachOfItsOptions() {
        CommandLine root = Ddim.commandLine(System.out, System.err);
        List<CommandLine> commands = allCommands(root);
        assertTrue(commands.size() >= 25, "commands: " + commands.size());
        for (CommandLine command : commands) {
            CommandSpec spec = command.getCommandSpec();
            List<String> args = new ArrayList<>(List.of(spec.qualifiedName(" ").split(" ")));
            args.remove(0);
            args.add("--help");
            LauncherTest.Result r = LauncherTest.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), args + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: " + spec.qualifiedName(" ")), args + ": " + r.out());
            for (OptionSpec option : spec.options()) {
                assertTrue(r.out().contains(option.longestName()), args + " does not show " + option.longestName());
                if (!option.usageHelp() && !option.versionHelp()) {
                    assertTrue(option.description().length > 0 && !option.description()[0].isBlank(),
                            args + ": " + option.longestName() + " has no description");
                }
            }
        }
    }

    @Test
    void bashCompletionCoversEveryCommandAndItsOptions() {
        LauncherTest.Result r = LauncherTest.run("generate-completion");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("complete -F _complete_ddim"), r.out().lines().limit(5).toList().toString());
        for (String command : List.of("demo", "sample", "invert", "eval", "features", "train-features", "dataset", "stats")) {
            assertTrue(r.out().contains(command), "completion lacks " + command);
        }
        assertTrue(r.out().contains("--fixed-point") && r.out().contains("(\"uniform\" \"quadratic\" \"linspace\" \"trailing\" \"karras\")"),
                "completion lacks invert's options or the spacings");
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() {
        LauncherTest.Result none = LauncherTest.run();
        assertEquals(2, none.code());
        assertTrue(none.out().contains("Commands:") && none.out().contains("invert-compare"), none.out());
        LauncherTest.Result unknown = LauncherTest.run("frobnicate", "--x");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("ddim: unknown command 'frobnicate") && unknown.err().contains("sample"), unknown.err());
        assertEquals(0, LauncherTest.run("--help").code());
        assertEquals(0, LauncherTest.run("help", "invert").code());
    }

    @Test
    void badFlagValuesAreUsageErrorsNamingTheFlagWithTheCommandsUsage() {
        LauncherTest.Result r = LauncherTest.run("invert", "--weights", "w", "--image", "i.png", "--out", "o", "--loss", "mse");
        assertEquals(2, r.code());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.startsWith("ddim invert: ") && first.contains("--loss") && first.contains("psnr, ssim, l1, l2 or linf"),
                first);
        assertTrue(r.err().contains("Usage: ddim invert"), r.err());
        r = LauncherTest.run("dataset", "grid", "--dataset", "emoji", "--out", "g.png", "--split", "holdout");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--split") && r.err().contains("expected train, valid or test"), r.err());
        r = LauncherTest.run("classifier");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("ddim classifier: give train first"), r.err());
    }

    @Test
    void outputGoesToTheStreamsGiven() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Ddim.run(new String[]{"env", "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--json"));
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unanticipatedFailuresAreOneLineWithTheirOwnExitCodesAndTracesOnlyWhenVerbose() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(Ddim.INTERNAL_ERROR, Ddim.report(new NullPointerException("x"), "sample", false, err));
        String quiet = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(1, quiet.lines().count(), quiet);
        assertTrue(quiet.startsWith("ddim sample: internal error: java.lang.NullPointerException: x"), quiet);
        bytes.reset();
        assertEquals(Ddim.OUT_OF_RESOURCES, Ddim.report(new OutOfMemoryError("Java heap space"), "train", false, err));
        assertTrue(bytes.toString(java.nio.charset.StandardCharsets.UTF_8).contains("DDIM_HEAP"));
        bytes.reset();
        assertEquals(Ddim.OUT_OF_RESOURCES, Ddim.report(new StackOverflowError(), "import", true, err));
        String verbose = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(verbose.startsWith("ddim import: stack overflow") && verbose.contains("\tat "), verbose);
    }

    @Test
    void verboseIsAcceptedAnywhereAndAddsTheTrace() {
        LauncherTest.Result quiet = LauncherTest.run("forward", "--config", "emoji_demo", "--weights", "/nonexistent.safetensors",
                "--input", "/nonexistent.npz", "--output", "/tmp/unused.npz");
        LauncherTest.Result verbose = LauncherTest.run("forward", "--verbose", "--config", "emoji_demo", "--weights",
                "/nonexistent.safetensors", "--input", "/nonexistent.npz", "--output", "/tmp/unused.npz");
        assertEquals(1, quiet.code(), quiet.err());
        assertEquals(1, verbose.code(), verbose.err());
        assertFalse(quiet.err().contains("\tat "), quiet.err());
        assertTrue(verbose.err().contains("\tat "), verbose.err());
    }

    @Test
    void forwardRefusesNanInputs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path in = dir.resolve("in.npz");
        org.nd4j.linalg.api.ndarray.INDArray x = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 32, 32);
        x.putScalar(5, Float.NaN);
        org.ddim4j.io.Npz.write(in, java.util.Map.of("x", x, "t", org.nd4j.linalg.factory.Nd4j.createFromArray(3f)));
        LauncherTest.Result r = LauncherTest.run("forward", "--config", org.ddim4j.Fixtures.parityFile("config.yml").toString(),
                "--weights", org.ddim4j.Fixtures.parityFile("small_unet.safetensors").toString(), "--input", in.toString(),
                "--output", dir.resolve("out.npz").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("x holds NaN or infinite values"), r.err());
    }
}
