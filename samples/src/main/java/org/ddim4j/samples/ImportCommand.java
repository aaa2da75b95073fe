package org.ddim4j.samples;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.model.WeightsLoader;

import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./ddim import}: a PyTorch checkpoint (.pth/.pt or .safetensors) of the seed's U-Net to a model file. */
@Command(name = "import",
        description = "import a PyTorch checkpoint (.pth, .pt, .safetensors) of the seed's U-Net as a model file")
final class ImportCommand extends DdimCommand {
    @Option(names = "--config", required = true, paramLabel = "C.yml",
            description = "the seed YAML the checkpoint was trained with, or a preset name (celeba, cifar10, ...)")
    String configName;

    @Option(names = "--torch", required = true, paramLabel = "CKPT",
            description = "torch.save output (zip layout, PyTorch 1.6+) or .safetensors; read without running any pickled "
                    + "code: only tensors, dicts, lists, numbers and strings are accepted")
    Path torch;

    @Option(names = "--key", paramLabel = "NAME",
            description = "the state dict inside a training checkpoint (default: the top level if it holds tensors, else "
                    + "the first of ema, ema_model, model_ema, state_dict, model)")
    String key;

    @Option(names = "--out", required = true, paramLabel = "MODEL.ddim",
            description = "the ddim4j model file to write (sample from it with ./ddim sample --weights MODEL.ddim)")
    Path target;

    @Override
    void run(PrintStream out) throws Exception {
        DdimConfig config = ConfigLoader.loadPathOrPreset(configName);
        DdimModel model = WeightsLoader.load(torch, config, key);
        ModelFile.save(model, target);
        out.printf("imported %,d parameters (%d tensors) from %s into %s%n", model.network().parameters().trainableCount(),
                model.network().parameters().toStateDict().size(), torch, target);
    }
}
