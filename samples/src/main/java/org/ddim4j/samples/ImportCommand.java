package org.ddim4j.samples;

import org.ddim4j.config.ConfigLoader;
import org.ddim4j.config.DdimConfig;
import org.ddim4j.model.DdimModel;
import org.ddim4j.model.ModelFile;
import org.ddim4j.model.WeightsLoader;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code ./ddim import}: a PyTorch checkpoint (.pth/.pt or .safetensors) of the seed's U-Net to a model file. */
final class ImportCommand implements Command {
    @Override
    public String name() {
        return "import";
    }

    @Override
    public String summary() {
        return "import a PyTorch checkpoint (.pth, .pt, .safetensors) of the seed's U-Net as a model file";
    }

    @Override
    public String usage() {
        return """
                usage: ./ddim import --config C.yml --torch CKPT --out MODEL.ddim [--key NAME]
                  --config  the seed YAML the checkpoint was trained with, or a preset name (celeba, cifar10, ...)
                  --torch   torch.save output (zip layout, PyTorch 1.6+) or .safetensors; read without running any
                            pickled code: only tensors, dicts, lists, numbers and strings are accepted
                  --key     the state dict inside a training checkpoint (default: the top level if it holds tensors,
                            else the first of ema, ema_model, model_ema, state_dict, model)
                  --out     the ddim4j model file to write (sample from it with ./ddim sample --weights MODEL.ddim)""";
    }

    @Override
    public void run(String[] argv, PrintStream out) throws Exception {
        Args args = Args.parse("import", argv, Set.of(), Set.of("config", "torch", "out", "key"), Set.of());
        DdimConfig config = ConfigLoader.loadPathOrPreset(args.required("config"));
        Path torch = args.path("torch");
        Path target = args.path("out");
        DdimModel model = WeightsLoader.load(torch, config, args.has("key") ? args.required("key") : null);
        ModelFile.save(model, target);
        out.printf("imported %,d parameters (%d tensors) from %s into %s%n", model.network().parameters().trainableCount(),
                model.network().parameters().toStateDict().size(), torch, target);
    }
}
