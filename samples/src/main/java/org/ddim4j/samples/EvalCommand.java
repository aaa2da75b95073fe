package org.ddim4j.samples;

import java.io.PrintStream;
import java.util.Arrays;

/** {@code ./ddim eval}: sample quality (FID, KID, precision/recall, memorisation) and its tools. */
final class EvalCommand implements Command {
    @Override
    public String name() {
        return "eval";
    }

    @Override
    public String summary() {
        return "sample quality: FID, KID, precision/recall, memorisation (eval features|compare|train-features)";
    }

    @Override
    public String usage() {
        return FeatureTrainingCommand.USAGE;
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        String[] rest = argv.length == 0 ? argv : Arrays.copyOfRange(argv, 1, argv.length);
        if (argv.length > 0 && argv[0].equals("train-features")) {
            FeatureTrainingCommand.run(rest, out);
            return;
        }
        throw new UsageException("eval: not yet");
    }
}
