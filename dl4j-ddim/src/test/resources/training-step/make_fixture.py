"""Writes training_step.safetensors: one full training step of the U-Net in config.yml, in PyTorch (the project's
reference U-Net, bench/torch_unet.py, checked against the parity fixture): PyTorch's default initial weights, a batch
of two (x_t, t, target), the loss (mean squared error, the seed's L2), every parameter's gradient, the gradient norm
before clipping, the weights after clip_grad_norm_(1.0) and one Adam step (lr 2e-4, betas 0.9 / 0.999, eps 1e-8), and
the EMA after one update with decay 0.9 from the initial weights. Tensors are named init.*, grad.*, after.*, ema.*.

usage: python3 dl4j-ddim/src/test/resources/training-step/make_fixture.py     (Debian's python3-torch 1.13)
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import torch_unet as tu  # noqa: E402

LR, BETAS, EPS, CLIP, EMA = 2e-4, (0.9, 0.999), 1e-8, 1.0, 0.9


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)
    os.replace(path + ".tmp", path)


def main():
    cfg = yaml.safe_load(open(os.path.join(HERE, "config.yml")))
    torch.manual_seed(0)
    model = tu.from_yaml_network(cfg["network"], cfg["data"]["shape"])
    model.train()
    out = {}
    for k, v in model.state_dict().items():
        out["init." + k] = v.detach().clone()
    g = torch.Generator().manual_seed(1)
    shape = [2] + list(cfg["data"]["shape"])
    x = torch.randn(*shape, generator=g)
    target = torch.randn(*shape, generator=g)
    t = torch.tensor([17.0, 803.0])
    eps = model(x, t)
    loss = ((eps - target) ** 2).mean()
    loss.backward()
    for k, p in model.named_parameters():
        out["grad." + k] = p.grad.detach().clone()
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
    torch.optim.Adam(model.parameters(), lr=LR, betas=BETAS, eps=EPS).step()
    for k, v in model.state_dict().items():
        out["after." + k] = v.detach().clone()
        out["ema." + k] = EMA * out["init." + k] + (1 - EMA) * v.detach()
    out.update({"x": x, "t": t, "target": target, "loss": loss.detach().reshape(1), "grad_norm": norm.reshape(1)})
    write_safetensors(os.path.join(HERE, "training_step.safetensors"), out)
    print(f"loss {loss.item():.6f}, gradient norm {norm.item():.6f}, {len(out)} tensors")


if __name__ == "__main__":
    main()
