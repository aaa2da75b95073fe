# Writes torch_checkpoint.pth (a training-checkpoint-like dict, saved by real PyTorch) and the expected arrays
# in torch_checkpoint_expected.npz. Run: /usr/bin/python3 make_fixture.py (Debian python3-torch 1.13).
import collections, numpy as np, torch
torch.manual_seed(0)
conv = torch.nn.Conv2d(3, 4, 3)
bn = torch.nn.BatchNorm2d(4)
bn(torch.randn(2, 4, 5, 5))
model = collections.OrderedDict()
for k, v in conv.state_dict().items():
    model["module.conv." + k] = v
for k, v in bn.state_dict().items():
    model["module.bn." + k] = v
base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
ema = collections.OrderedDict([
    ("transposed", base.t()),                     # non-contiguous: stride (1, 6)
    ("sliced", base[1:3, ::2]),                    # offset 6, stride (6, 2)
    ("half", torch.tensor([0.5, -2.0, 65504.0], dtype=torch.float16)),
    ("double", torch.tensor([[1e-300, 3.25]], dtype=torch.float64)),
    ("scalar", torch.tensor(7.5)),
    ("steps", torch.tensor(123456789012, dtype=torch.int64)),
])
ckpt = {"model": model, "ema": ema, "step": 1000, "lr": 0.001, "name": "seed",
        "betas": (0.9, 0.999), "optimizer": {"state": {}, "param_groups": [{"lr": 0.001, "params": [0, 1]}]}}
torch.save(ckpt, "torch_checkpoint.pth")
expected = {("model/" + k): v.numpy() for k, v in model.items()}
expected.update({("ema/" + k): v.numpy() for k, v in ema.items()})
np.savez("torch_checkpoint_expected.npz", **expected)

class Evil:  # what a hostile checkpoint looks like: unpickling it would run a shell command
    def __reduce__(self):
        import os
        return (os.system, ("echo ddim4j-must-never-run-this",))
torch.save({"weight": torch.zeros(2), "payload": Evil()}, "evil.pth")
torch.save(collections.OrderedDict([("a", torch.zeros(2, 3)), ("b", torch.arange(300, dtype=torch.float32))]),
           "ordered.pth")  # a plain OrderedDict: TorchZipWriter must reproduce its data.pkl byte for byte
print(torch.__version__, {k: v.shape for k, v in expected.items()})
