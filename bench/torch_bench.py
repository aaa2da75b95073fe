"""The PyTorch side of the ddim4j benchmark: the same work as `./ddim bench`, timed the same way.

usage: python3 bench/torch_bench.py --small SMALL.yml --large LARGE.yml --out torch.json [--threads 2] [--quick]
                                   [--only CASE-PREFIX]
       python3 bench/torch_bench.py --check dl4j-ddim/src/test/resources/parity-small

Each case runs untimed until both a number of runs and of seconds are done (2 and 3 s), then timed likewise (7,
or 3 for the large network, and 3 s), as `./ddim bench` does; the median (and min, max) is reported in seconds.
The JSON also holds the peak resident set size of this process (ru_maxrss) and the FLOP count of one forward
pass per image, from which the achieved GFLOP/s of the forward pass is computed.
"""
import argparse
import copy
import json
import os
import platform
import resource
import statistics
import sys
import time

import numpy as np
import torch
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_unet as tu  # noqa: E402


def reset_peak_rss():
    """Resets the kernel's peak-RSS mark of this process (VmHWM), so that each case reports its own peak."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def peak_rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def timed(fn, warmup, repeats):
    """warmup and repeats: (minimum runs, minimum seconds) of the untimed and the timed phase."""
    reset_peak_rss()
    fn()                        # the first run, whatever it takes; the warm-up seconds count after it
    warm_runs, start = 1, time.perf_counter()
    while warm_runs < warmup[0] or time.perf_counter() - start < warmup[1]:
        fn()
        warm_runs += 1
    times, start = [], time.perf_counter()
    while len(times) < repeats[0] or time.perf_counter() - start < repeats[1]:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "runs": len(times),
            "warmup_runs": warm_runs, "peak_rss_mb": peak_rss_mb()}


def load_config(path):
    with open(path) as f:
        cfg = yaml.safe_load(f)
    return cfg["network"], cfg["data"]["shape"]


def training_settings(path):
    """Training batch size, learning rate and gradient clip of a config."""
    with open(path) as f:
        cfg = yaml.safe_load(f)
    return cfg["training"]["batch_size"], cfg["optimizer"]["learning_rate"], cfg["optimizer"]["gradient_clip"]


def make_model(network, shape, seed):
    torch.manual_seed(seed)
    return tu.from_yaml_network(network, shape)


def forward_case(model, shape, batch):
    model.eval()
    x = torch.randn(batch, *shape)
    t = torch.randint(0, 1000, (batch,)).float()

    def run():
        with torch.no_grad():
            model(x, t)
    return run


def training_case(model, shape, batch, a_bar, lr=2e-4, clip=1.0, ema_decay=0.9995):
    """One iteration of the seed's training: x_t from a batch, L1 on eps, backward, clip, Adam, EMA."""
    model.train()
    ema = copy.deepcopy(model)
    for p in ema.parameters():
        p.requires_grad_(False)
    opt = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8)

    def run():
        x0 = torch.rand(batch, *shape) * 2 - 1
        t = torch.randint(0, 1000, (batch,))
        noise = torch.randn_like(x0)
        a = a_bar[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = (model(xt, t.float()) - noise).abs().mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(ema_decay).add_(pm, alpha=1 - ema_decay)
    return run


def sampling_case(model, shape, batch, a_bar, steps=10, sampler=tu.ddim_sample):
    """A 10-evaluation sample: DDIM's by default, or DPM-Solver++ 2M's (tu.dpmpp_2m_sample)."""
    model.eval()
    z = torch.randn(batch, *shape)

    def run():
        with torch.no_grad():
            sampler(model, z, steps, a_bar)
    return run


def inversion_case(model, shape, batch, a_bar, steps=10):
    """One optimisation-inversion iteration: image of z through the S-step sampler, PSNR loss, dL/dz, Adam."""
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    target = torch.rand(batch, *shape)
    z = torch.randn(batch, *shape, requires_grad=True)
    opt = torch.optim.Adam([z], lr=0.01)

    def run():
        y = ((tu.ddim_sample(model, z, steps, a_bar) + 1) / 2).clamp(0, 1)
        mse = ((y - target) ** 2).flatten(1).mean(1)
        loss = (10 * torch.log10(mse)).sum()              # minus PSNR, per image, summed
        opt.zero_grad()
        loss.backward()
        opt.step()
    return run


def exact_inversion_case(model, shape, batch, a_bar, method, steps=10):
    """EDICT's or BDIA's exact inversion of images at S = 10 (the pair in double, the network in float32)."""
    model.eval()
    images = torch.rand(batch, *shape) * 2 - 1
    encode = tu.edict_encode if method == "edict" else tu.bdia_encode

    def run():
        with torch.no_grad():
            encode(model, images, steps, a_bar)
    return run


def inception_case(batch):
    """pytorch-fid's feature extraction on 32x32 images (resize to 299, Inception-v3 to the 2048 pool features),
    with the parity fixture's deterministic weights (make_fixture.py), as ./ddim bench runs it."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dl4j-ddim", "src", "test",
                                    "resources", "inception"))
    import make_fixture
    net, _ = make_fixture.fid_inception()
    x = torch.rand(batch, 3, 32, 32, generator=torch.Generator().manual_seed(3)) * 2 - 1

    def run():
        with torch.no_grad():
            make_fixture.features(net, (x + 1) / 2)
    return run


def check_samplers(model, fixture_dir, outputs):
    """The benchmark's PyTorch DPM-Solver++ 2M, EDICT and BDIA against ddim4j's outputs on the parity network (written by
    bench/run into OUTPUTS): the same algorithm gives the same result up to the two float32 networks' differences
    (1e-6), amplified by the ten steps; a different coefficient or order anywhere would differ by 1e-2 or more, hence
    the bound 1e-3 (relative to the largest value)."""
    from PIL import Image
    errors = {}
    s = np.load(os.path.join(fixture_dir, "sample_uniform.npz"))
    with torch.no_grad():
        x = tu.dpmpp_2m_sample(model, torch.from_numpy(s["z"]), 10, tu.alphas_cumprod())
    ref = torch.from_numpy(np.load(os.path.join(outputs, "dpm.npz"))["x"])
    errors["dpm++2m"] = float((x - ref).abs().max() / ref.abs().max())
    img = np.asarray(Image.open(os.path.join(outputs, "image.png")).convert("RGB"), dtype=np.float32) / 255
    image = torch.from_numpy(img).permute(2, 0, 1)[None] * 2 - 1
    for method, encode in (("edict", tu.edict_encode), ("bdia", tu.bdia_encode)):
        with torch.no_grad():
            z, y = encode(model, image, 10, tu.alphas_cumprod())
        latent = np.load(os.path.join(outputs, method, "image.latent.npz"))
        for name, mine, theirs in (("z", z, latent["z"]), ("y", y, latent["y_" + method])):
            theirs = torch.from_numpy(theirs)
            errors[method + " " + name] = float((mine - theirs).abs().max() / theirs.abs().max())
    return errors


def check(fixture_dir, outputs=None):
    """The forward pass and the 10-step sample against the parity-small fixture; with OUTPUTS, the new samplers'
    PyTorch forms against ddim4j's (check_samplers)."""
    network, shape = load_config(os.path.join(fixture_dir, "config.yml"))
    model = tu.from_yaml_network(network, shape)
    state = tu.read_safetensors(os.path.join(fixture_dir, "small_unet.safetensors"))
    model.load_state_dict(state, strict=True)
    model.eval()
    f = np.load(os.path.join(fixture_dir, "forward.npz"))
    with torch.no_grad():
        eps = model(torch.from_numpy(f["x"]), torch.from_numpy(f["t"]))
    forward_err = float((eps - torch.from_numpy(f["eps"])).abs().max())
    s = np.load(os.path.join(fixture_dir, "sample_uniform.npz"))
    with torch.no_grad():
        x = tu.ddim_sample(model, torch.from_numpy(s["z"]), 10, tu.alphas_cumprod())
    ref = torch.from_numpy(s["x_final"])
    sample_rel = float((x - ref).abs().max() / ref.abs().max())
    ok = forward_err < 1e-5 and sample_rel < 1e-5
    report = {"forward_max_abs_err": forward_err, "sample_max_rel_err": sample_rel}
    if outputs:
        samplers = check_samplers(model, fixture_dir, outputs)
        report["samplers_max_rel_err"] = samplers
        ok = ok and all(e < 1e-3 for e in samplers.values())
    report["ok"] = ok
    print(json.dumps(report))
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small")
    ap.add_argument("--large")
    ap.add_argument("--out")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke test")
    ap.add_argument("--only", default="", help="run only the cases whose name starts so")
    ap.add_argument("--check")
    ap.add_argument("--check-outputs", help="ddim4j's DPM-Solver++, EDICT and BDIA outputs on the fixture (bench/run)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.check:
        sys.exit(0 if check(args.check, args.check_outputs) else 1)
    warm, rep, rep_slow = ((1, 0), (2, 0), (1, 0)) if args.quick else ((2, 10), (7, 3), (3, 3))
    a_bar = tu.alphas_cumprod()
    results = {}
    flops = {}
    for label, path in (("small", args.small), ("large", args.large)):
        network, shape = load_config(path)
        train_batch, lr, clip = training_settings(path)
        slow = label == "large"
        built = {}

        def model():
            """The forward and sampling cases' network, built when a case that runs first needs it."""
            if not built:
                built["model"] = make_model(network, shape, 0)
                flops[label] = tu.flops_per_image(built["model"], shape)
            return built["model"]

        def run(name, make_case, repeats):
            if name.startswith(args.only):
                results[name] = timed(make_case(), warm, repeats)
        for b in (16, 1):
            run(f"forward {label} b{b}", lambda: forward_case(model(), shape, b), rep_slow if slow else rep)
        run(f"train {label} b{train_batch}", lambda: training_case(make_model(network, shape, 0), shape, train_batch,
                                                                   a_bar, lr, clip, network["ema"]),
            rep_slow if slow else rep)
        if not slow:
            for b in (1, 16):
                run(f"sample10 {label} b{b}", lambda: sampling_case(model(), shape, b, a_bar), rep)
            for b in (1, 8):
                run(f"invert10 {label} b{b}", lambda: inversion_case(make_model(network, shape, 0), shape, b, a_bar), rep)
            for b in (1, 16):
                run(f"dpm++2m10 {label} b{b}", lambda: sampling_case(model(), shape, b, a_bar, sampler=tu.dpmpp_2m_sample), rep)
            for method in ("edict", "bdia"):
                for b in (1, 8):
                    run(f"{method}-invert10 {label} b{b}",
                        lambda: exact_inversion_case(model(), shape, b, a_bar, method), rep)
        print(f"{label}: done", file=sys.stderr, flush=True)
    if "inception b32".startswith(args.only) or args.only.startswith("inception"):
        results["inception b32"] = timed(inception_case(32), warm, rep_slow)
    out = {
        "side": "pytorch",
        "version": torch.__version__,
        "blas": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3"),
        "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "(unset)"),
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "(unset)"),
        "gomp_spincount": os.environ.get("GOMP_SPINCOUNT", "(unset)"),
        "glibc_tunables": os.environ.get("GLIBC_TUNABLES", "(unset)"),
        "python": platform.python_version(),
        "flops_per_image": flops,
        "cases": results,
    }
    with open(args.out + ".tmp", "w") as f:
        json.dump(out, f, indent=1)
    os.replace(args.out + ".tmp", args.out)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
