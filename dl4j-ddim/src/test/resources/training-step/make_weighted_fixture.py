"""Writes weighted_step.safetensors: the loss and gradients of one training step with v-prediction (Salimans and Ho
2022) and min-SNR-5 weighting (Hang et al. 2023), computed as diffusers' training scripts do (get_velocity for the
target; compute_snr, min(snr, gamma) / (snr + 1) per image, the per-image mean squared error weighted, then the mean),
on the U-Net of config.yml with the same initial weights as training_step.safetensors (make_fixture.py: seed 0).
The schedule is the seed's linear one (1e-4 .. 0.02, T = 1000), alpha_bar accumulated in double and rounded to float32
as ddim4j's (1 - beta in float32, the product in double). Tensors: x0, noise, t, target, weights, loss, grad.*.

usage: python3 dl4j-ddim/src/test/resources/training-step/make_weighted_fixture.py     (Debian's python3-torch 1.13)
"""
import os
import sys

import numpy as np
import torch
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_fixture import tu, write_safetensors  # noqa: E402

GAMMA = 5.0


def main():
    cfg = yaml.safe_load(open(os.path.join(HERE, "config.yml")))
    torch.manual_seed(0)
    model = tu.from_yaml_network(cfg["network"], cfg["data"]["shape"])
    model.train()
    betas = np.linspace(1e-4, 0.02, 1000).astype(np.float32)
    alphas_cumprod = torch.tensor(np.cumprod((1.0 - betas).astype(np.float64)).astype(np.float32))  # 1 - beta in float32
    g = torch.Generator().manual_seed(2)
    shape = [4] + list(cfg["data"]["shape"])
    x0 = torch.rand(*shape, generator=g) * 2 - 1
    noise = torch.randn(*shape, generator=g)
    t = torch.tensor([3, 120, 480, 960])
    a = alphas_cumprod[t].sqrt().reshape(-1, 1, 1, 1)
    s = (1 - alphas_cumprod[t]).sqrt().reshape(-1, 1, 1, 1)
    xt = a * x0 + s * noise
    target = a * noise - s * x0                                   # diffusers' get_velocity
    snr = alphas_cumprod[t] / (1 - alphas_cumprod[t])             # diffusers' compute_snr: (alpha / sigma)^2
    weights = torch.stack([snr, GAMMA * torch.ones_like(snr)], dim=1).min(dim=1)[0] / (snr + 1)
    pred = model(xt, t.float())
    loss = torch.nn.functional.mse_loss(pred, target, reduction="none")
    loss = (loss.mean(dim=list(range(1, loss.ndim))) * weights).mean()
    loss.backward()
    out = {"x0": x0, "noise": noise, "t": t.float(), "target": target, "weights": weights,
           "loss": loss.detach().reshape(1)}
    for k, p in model.named_parameters():
        out["grad." + k] = p.grad.detach().clone()
    write_safetensors(os.path.join(HERE, "weighted_step.safetensors"), out)
    print(f"loss {loss.item():.7f}, weights {weights.tolist()}, {len(out)} tensors")


if __name__ == "__main__":
    main()
