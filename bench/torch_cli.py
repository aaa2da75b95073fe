"""The PyTorch side of bench/commands: the work of a ddim4j command as a one-shot PyTorch script, files in, files out.

Each subcommand does what the `./ddim` command it stands beside does, with the same inputs and outputs, so that a
whole process (interpreter start, `import torch`, reading the weights, the work, writing the results) can be timed
against the whole `./ddim` process:

  forward  --config C --weights W.safetensors --input IN.npz --output OUT.npz   (./ddim forward)
  sample   --config C --weights W --count N --steps S --seed K --output X.npz  (./ddim sample, DDIM eta 0, uniform)
  invert   --config C --weights W --steps S --iterations N --out DIR IMG...     (./ddim invert --method optimize:
           Adam on z through the unrolled sampler, PSNR loss, the best latent kept; per image DIR/NAME.latent.npz,
           DIR/NAME.png target | reconstruction, DIR/NAME.gif, and DIR/results.jsonl)
  train    --config C --out DIR                                                 (./ddim train: data.root holds
           CIFAR-10 binary batches; training.num_i iterations of the seed's step (L1, Adam, clip, EMA) at
           training.batch_size, then the checkpoint, loss.csv and a grid of 64 EMA samples at num_t_steps)
  features --weights INCEPTION.pth --images DIR --output F.npz                  (./ddim eval features
           --features inception=PATH: pytorch-fid's Inception-v3 2048 pool features of a folder of PNGs)

The networks are bench/torch_unet.py (checked against the parity fixture by bench/run) and the Inception fixture's
pytorch-fid network (dl4j-ddim/src/test/resources/inception/make_fixture.py). Threads: --threads (default 2).
"""
import argparse
import glob
import json
import math
import os
import sys
import time

import numpy as np
import torch
import yaml
from PIL import Image

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import torch_unet as tu  # noqa: E402


def atomic_save(path, write):
    """Writes through a temporary file in the same folder, then renames it over PATH."""
    tmp = path + ".tmp"
    write(tmp)
    os.replace(tmp, path)


def save_npz(path, **arrays):
    atomic_save(path, lambda tmp: np.savez(open(tmp, "wb"), **arrays))


def load_model(config, weights):
    with open(config) as f:
        cfg = yaml.safe_load(f)
    model = tu.from_yaml_network(cfg["network"], cfg["data"]["shape"])
    if weights:
        model.load_state_dict(tu.read_safetensors(weights), strict=True)
    return cfg, model.eval()


def to_image(x):
    """[C, H, W] in [-1, 1] to a PIL image, as ddim4j's Images.toImage (clamp((x + 1) / 2), round)."""
    a = ((x.clamp(-1, 1) + 1) / 2 * 255).round().byte().permute(1, 2, 0).numpy()
    return Image.fromarray(a)


def grid(images, columns, gap=2):
    side = images[0].size[0]
    rows = math.ceil(len(images) / columns)
    out = Image.new("RGB", (columns * side + (columns + 1) * gap, rows * side + (rows + 1) * gap), (255, 255, 255))
    for i, im in enumerate(images):
        out.paste(im, (gap + (i % columns) * (side + gap), gap + (i // columns) * (side + gap)))
    return out


def forward(args):
    _, model = load_model(args.config, args.weights)
    arrays = np.load(args.input)
    with torch.no_grad():
        eps = model(torch.from_numpy(arrays["x"]).float(), torch.from_numpy(arrays["t"]).float())
    save_npz(args.output, eps=eps.numpy())


def sample(args):
    cfg, model = load_model(args.config, args.weights)
    z = torch.randn(args.count, *cfg["data"]["shape"], generator=torch.Generator().manual_seed(args.seed))
    with torch.no_grad():
        x = tu.ddim_sample(model, z, args.steps, tu.alphas_cumprod())
    save_npz(args.output, x=x.numpy())


def invert(args):
    cfg, model = load_model(args.config, args.weights)
    for p in model.parameters():
        p.requires_grad_(False)
    size = cfg["data"]["shape"][1]
    targets = torch.stack([torch.from_numpy(np.asarray(Image.open(p).convert("RGB").resize((size, size), Image.BILINEAR),
                                                       dtype=np.float32) / 255).permute(2, 0, 1) for p in args.images])
    a_bar = tu.alphas_cumprod()
    z = torch.randn(targets.shape, generator=torch.Generator().manual_seed(args.seed)).requires_grad_(True)
    opt = torch.optim.Adam([z], lr=args.lr)
    best = torch.full((len(args.images),), float("inf"))
    best_z, best_x, frames = z.detach().clone(), None, []
    frame_every = max(1, args.iterations // 30)
    t0 = time.perf_counter()
    for i in range(args.iterations + 1):
        last = i == args.iterations
        with torch.set_grad_enabled(not last):
            x = tu.ddim_sample(model, z, args.steps, a_bar)
            y = ((x + 1) / 2).clamp(0, 1)
            per_image = 10 * torch.log10(((y - targets) ** 2).flatten(1).mean(1))     # minus PSNR
        better = per_image.detach() < best
        best = torch.where(better, per_image.detach(), best)
        best_z[better] = z.detach()[better]
        best_x = x.detach().clone() if best_x is None else torch.where(better[:, None, None, None], x.detach(), best_x)
        if i % frame_every == 0 or last:
            frames.append(x.detach().clone())
        if last:
            break
        opt.zero_grad()
        per_image.sum().backward()
        opt.step()
    seconds = time.perf_counter() - t0
    os.makedirs(args.out, exist_ok=True)
    lines = []
    for b, path in enumerate(args.images):
        stem = os.path.splitext(os.path.basename(path))[0]
        save_npz(os.path.join(args.out, stem + ".latent.npz"), z=best_z[b:b + 1].numpy())
        target = to_image(targets[b] * 2 - 1)
        pair = grid([target, to_image(best_x[b])], 2)
        atomic_save(os.path.join(args.out, stem + ".png"), lambda tmp: pair.save(tmp, format="PNG"))
        gif = [grid([target, to_image(f[b])], 2) for f in frames]
        atomic_save(os.path.join(args.out, stem + ".gif"), lambda tmp: gif[0].save(
            tmp, format="GIF", save_all=True, append_images=gif[1:], duration=150, loop=0))
        mse = ((((best_x[b] + 1) / 2).clamp(0, 1) - targets[b]) ** 2).mean()
        lines.append(json.dumps({"image": path, "method": "optimize", "steps": args.steps,
                                 "iterations": args.iterations, "psnr": round(float(-10 * torch.log10(mse)), 4),
                                 "seconds": round(seconds / len(args.images), 4)}))
        print(lines[-1])
    atomic_save(os.path.join(args.out, "results.jsonl"), lambda tmp: open(tmp, "w").write("\n".join(lines) + "\n"))


def cifar_images(root):
    """The five training batches of CIFAR-10's binary release: [N, 3, 32, 32] uint8."""
    data = [np.fromfile(os.path.join(root, f"data_batch_{i}.bin"), dtype=np.uint8).reshape(-1, 3073)
            for i in range(1, 6)]
    return torch.from_numpy(np.concatenate(data)[:, 1:].reshape(-1, 3, 32, 32).copy())


def train(args):
    import copy
    cfg, model = load_model(args.config, None)
    tr, opt_cfg = cfg["training"], cfg["optimizer"]
    torch.manual_seed(tr.get("seed", 0))
    images = cifar_images(os.path.expanduser(cfg["data"]["root"]))
    model.train()
    ema = copy.deepcopy(model)
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam(model.parameters(), lr=opt_cfg["learning_rate"], betas=(opt_cfg.get("beta_1", 0.9), 0.999),
                           eps=opt_cfg.get("epsilon", 1e-8))
    a_bar = tu.alphas_cumprod()
    decay = cfg["network"]["ema"]
    batch = tr["batch_size"]
    os.makedirs(args.out, exist_ok=True)
    losses = []
    for it in range(1, tr["num_i"] + 1):
        x0 = images[torch.randint(0, len(images), (batch,))].float() / 127.5 - 1
        flip = torch.rand(batch) < 0.5
        x0[flip] = x0[flip].flip(3)
        t = torch.randint(0, 1000, (batch,))
        noise = torch.randn_like(x0)
        a = a_bar[t][:, None, None, None]
        loss = (model(a.sqrt() * x0 + (1 - a).sqrt() * noise, t.float()) - noise).abs().mean()
        opt.zero_grad()
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), opt_cfg["gradient_clip"])
        opt.step()
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm, alpha=1 - decay)
        losses.append((it, float(loss), float(norm)))
        if it == 1 or it % 20 == 0:
            print(f"iteration {it}  loss {float(loss):.4f}", flush=True)
    atomic_save(os.path.join(args.out, "checkpoint.pt"), lambda tmp: torch.save(
        {"model": model.state_dict(), "ema": ema.state_dict(), "optimizer": opt.state_dict(), "iteration": it}, tmp))
    atomic_save(os.path.join(args.out, "loss.csv"), lambda tmp: open(tmp, "w").write(
        "iteration,loss,grad_norm\n" + "".join(f"{i},{l},{n}\n" for i, l, n in losses)))
    ema.eval()
    with torch.no_grad():
        x = tu.ddim_sample(ema, torch.randn(64, *cfg["data"]["shape"]), cfg["diffusion"]["num_t_steps"], a_bar)
    os.makedirs(os.path.join(args.out, "samples"), exist_ok=True)
    picture = grid([to_image(s) for s in x], 8)
    atomic_save(os.path.join(args.out, "samples", f"iter-{it:07d}.png"), lambda tmp: picture.save(tmp, format="PNG"))


def features(args):
    sys.path.insert(0, os.path.join(here, "..", "dl4j-ddim", "src", "test", "resources", "inception"))
    import make_fixture
    net, _ = make_fixture.fid_inception()
    net.load_state_dict(torch.load(args.weights), strict=True)
    net.eval()
    paths = sorted(glob.glob(os.path.join(args.images, "*.png")))
    x = torch.stack([torch.from_numpy(np.asarray(Image.open(p).convert("RGB"), dtype=np.float32) / 255).permute(2, 0, 1)
                     for p in paths])
    out = []
    with torch.no_grad():
        for i in range(0, len(x), 32):
            out.append(make_fixture.features(net, x[i:i + 32]))
    save_npz(args.output, features=torch.cat(out).numpy().astype(np.float64))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("forward")
    p.add_argument("--config", required=True); p.add_argument("--weights", required=True)
    p.add_argument("--input", required=True); p.add_argument("--output", required=True)
    p = sub.add_parser("sample")
    p.add_argument("--config", required=True); p.add_argument("--weights", required=True)
    p.add_argument("--count", type=int, default=16); p.add_argument("--steps", type=int, default=10)
    p.add_argument("--seed", type=int, default=0); p.add_argument("--output", required=True)
    p = sub.add_parser("invert")
    p.add_argument("--config", required=True); p.add_argument("--weights", required=True)
    p.add_argument("--steps", type=int, default=10); p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--lr", type=float, default=0.01); p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True); p.add_argument("images", nargs="+")
    p = sub.add_parser("train")
    p.add_argument("--config", required=True); p.add_argument("--out", required=True)
    p = sub.add_parser("features")
    p.add_argument("--weights", required=True); p.add_argument("--images", required=True)
    p.add_argument("--output", required=True)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    {"forward": forward, "sample": sample, "invert": invert, "train": train, "features": features}[args.command](args)


if __name__ == "__main__":
    main()
