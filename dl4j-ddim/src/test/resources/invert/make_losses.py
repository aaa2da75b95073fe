# Reference values and gradients of the reconstruction losses (ReconstructionLoss), computed in float64 by
# PyTorch autograd. Run: /usr/bin/python3 make_losses.py (Debian python3-torch 1.13).
import math, numpy as np, torch
torch.manual_seed(7)
x = (torch.randn(2, 3, 32, 32) * 0.8).double()               # sampler output, some of it outside [-1, 1]
target = ((x.clamp(-1, 1) + 1) / 2 + 0.1 * torch.randn(2, 3, 32, 32).double()).clamp(0, 1)
target[1] = torch.rand(3, 32, 32).double()                    # image 1: unrelated to x

def gaussian():
    g = torch.tensor([math.exp(-(i - 5) ** 2 / (2 * 1.5 ** 2)) for i in range(11)], dtype=torch.float64)
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None]

def ssim(y, t):
    k = gaussian()
    f = lambda v: torch.nn.functional.conv2d(v.reshape(-1, 1, 32, 32), k)
    mx, my = f(y), f(t)
    vx, vy, cxy = f(y * y) - mx * mx, f(t * t) - my * my, f(y * t) - mx * my
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return s.reshape(y.shape[0], -1).mean(1)

out = {"x": x.float().numpy(), "target": target.float().numpy()}
for name in ["l1", "l2", "linf", "psnr", "ssim"]:
    xv = x.clone().requires_grad_(True)
    y = ((xv + 1) / 2).clamp(0, 1)
    d = (y - target).reshape(2, -1)
    per = {"l1": lambda: d.abs().mean(1), "l2": lambda: (d * d).mean(1), "linf": lambda: d.abs().max(1)[0],
           "psnr": lambda: 10 * torch.log10((d * d).mean(1) + 1e-10), "ssim": lambda: -ssim(y, target)}[name]()
    per.sum().backward()
    out[name] = per.detach().float().numpy()
    out[name + "_grad"] = xv.grad.float().numpy()
np.savez("losses.npz", **out)
print({k: v for k, v in out.items() if v.ndim == 1})
