package org.ddim4j.samples;

import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.model.WeightsLoader;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./ddim export}: a model's (EMA) weights as safetensors with PyTorch names, or as a model file. */
@Command(name = "export",
        description = "export a model's weights as safetensors (PyTorch names, optionally float16) or a .ddim model file",
        footer = "The safetensors metadata holds the config (key ddim4j_config), so the file loads without --config.")
final class ExportCommand extends DdimCommand {
    @Mixin
    ModelOptions weights;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors|FILE.ddim", description = "the file to write")
    Path target;

    @Option(names = "--float16",
            description = "store float tensors as F16 (half the size; the network computes in float32 after loading)")
    boolean float16;

    @Override
    void run(PrintStream out) throws Exception {
        String name = target.getFileName().toString();
        if (!name.endsWith(".safetensors") && !name.endsWith(".ddim")) {
            throw usageError("--out must end in .safetensors or .ddim, got " + target);
        }
        DdimModel model = weights.load();
        if (name.endsWith(".ddim")) {
            ModelFile.save(model, target);
        } else {
            WeightsLoader.exportSafetensors(model, target, float16);
        }
        out.printf("wrote %s (%,d bytes)%n", target, Files.size(target));
    }
}
