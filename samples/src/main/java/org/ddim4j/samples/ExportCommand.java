package org.ddim4j.samples;

import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.model.WeightsLoader;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code ./ddim export}: a model's (EMA) weights as safetensors with PyTorch names, or as a model file. */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "export a model's weights as safetensors (PyTorch names, optionally float16) or a .ddim model file";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim export --weights W --out FILE.safetensors|FILE.ddim [--float16] [--config C.yml]
                  --weights  a training run folder, checkpoint (its EMA weights), model file, safetensors or .pth
                  --float16  store float tensors as F16 (half the size; the network computes in float32 after loading)
                The safetensors metadata holds the config (key ddim4j_config), so the file loads without --config.""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("export", argv, Set.of("float16"), Set.of("weights", "config", "out"), Set.of());
        Path target = args.path("out");
        String name = target.getFileName().toString();
        if (!name.endsWith(".safetensors") && !name.endsWith(".ddim")) {
            throw new UsageException("export: --out must end in .safetensors or .ddim, got " + target);
        }
        DdimModel model = Launch.model(args);
        if (name.endsWith(".ddim")) {
            ModelFile.save(model, target);
        } else {
            WeightsLoader.exportSafetensors(model, target, args.has("float16"));
        }
        out.printf("wrote %s (%,d bytes)%n", target, Files.size(target));
    }
}
