"""The seed's U-Net and DDIM sampler in PyTorch, the reference side of the ddim4j benchmark.

Written from the conventions in dl4j-ddim/src/test/resources/parity-small/README.md (the same layout as
ddim4j's UNetArchitecture) and checked against that fixture by `torch_bench.py --check`:
GroupNorm eps 1e-6 (num_groups -1: BatchNorm2d), bilinear x0.5 / x2 resampling with half-pixel centres
then a 3x3 conv, a sinusoidal time embedding of width hidden_channels, single-head self-attention.
"""
import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NORM_EPS = 1e-6


def norm(channels, num_groups):
    if num_groups == -1:
        return nn.BatchNorm2d(channels, eps=NORM_EPS)
    return nn.GroupNorm(num_groups, channels, eps=NORM_EPS)


class TimeEmbedding(nn.Module):
    def __init__(self, dim, embed):
        super().__init__()
        self.dim = dim
        self.dense = nn.ModuleList([nn.Linear(dim, embed), nn.Linear(embed, embed)])

    def forward(self, t):
        half = self.dim // 2
        scale = math.log(10000) / (half - 1)
        freqs = torch.exp(torch.arange(half, dtype=torch.float32) * -scale)
        args = t.float()[:, None] * freqs[None, :]
        h = torch.cat([torch.sin(args), torch.cos(args)], dim=1)
        return self.dense[1](F.silu(self.dense[0](h)))


class ResnetBlock(nn.Module):
    def __init__(self, cin, cout, embed, num_groups, dropout):
        super().__init__()
        self.norm_1 = norm(cin, num_groups)
        self.conv_1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time_embed_proj = nn.Linear(embed, cout)
        self.norm_2 = norm(cout, num_groups)
        self.dropout = nn.Dropout(dropout)
        self.conv_2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb_swished):
        h = self.conv_1(F.silu(self.norm_1(x)))
        h = h + self.time_embed_proj(temb_swished)[:, :, None, None]
        h = self.conv_2(self.dropout(F.silu(self.norm_2(h))))
        return (self.conv_skip(x) if self.conv_skip is not None else x) + h


class AttentionBlock(nn.Module):
    def __init__(self, channels, num_groups):
        super().__init__()
        self.norm = norm(channels, num_groups)
        self.Q = nn.Conv2d(channels, channels, 1)
        self.K = nn.Conv2d(channels, channels, 1)
        self.V = nn.Conv2d(channels, channels, 1)
        self.out_proj = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        b, c, hh, ww = x.shape
        h = self.norm(x)
        q = self.Q(h).reshape(b, c, hh * ww)
        k = self.K(h).reshape(b, c, hh * ww)
        v = self.V(h).reshape(b, c, hh * ww)
        w = torch.softmax(torch.bmm(q.transpose(1, 2), k) * c ** -0.5, dim=2)     # [b, query, key]
        out = torch.bmm(v, w.transpose(1, 2)).reshape(b, c, hh, ww)
        return x + self.out_proj(out)


class Resample(nn.Module):
    def __init__(self, channels, up, with_conv):
        super().__init__()
        self.up = up
        self.conv = nn.Conv2d(channels, channels, 3, padding=1) if with_conv else None

    def forward(self, x):
        h = F.interpolate(x, scale_factor=2.0 if self.up else 0.5, mode="bilinear", align_corners=False)
        return self.conv(h) if self.conv is not None else h


class Level(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.attentions = nn.ModuleList()


class UNet(nn.Module):
    """Config keys as the seed's YAML `network` section; in_shape = [C, H, W]."""

    def __init__(self, in_shape, hidden_channels, num_blocks, channel_mults, attention_sizes, embed_channels,
                 dropout, num_groups, do_conv_sample=True):
        super().__init__()
        c_in, size, _ = in_shape
        self.time_embed = TimeEmbedding(hidden_channels, embed_channels)
        self.in_conv = nn.Conv2d(c_in, hidden_channels, 3, padding=1)
        skips = [hidden_channels]
        ch, res = hidden_channels, size
        self.down_layers = nn.ModuleList()
        for i, mult in enumerate(channel_mults):
            level = Level()
            for _ in range(num_blocks):
                level.blocks.append(ResnetBlock(ch, hidden_channels * mult, embed_channels, num_groups, dropout))
                ch = hidden_channels * mult
                if res in attention_sizes:
                    level.attentions.append(AttentionBlock(ch, num_groups))
                skips.append(ch)
            if i != len(channel_mults) - 1:
                level.downsample = Resample(ch, False, do_conv_sample)
                res //= 2
                skips.append(ch)
            self.down_layers.append(level)
        self.mid_layers = nn.Module()
        self.mid_layers.block_1 = ResnetBlock(ch, ch, embed_channels, num_groups, dropout)
        self.mid_layers.attention = AttentionBlock(ch, num_groups)
        self.mid_layers.block_2 = ResnetBlock(ch, ch, embed_channels, num_groups, dropout)
        up = []
        for i in reversed(range(len(channel_mults))):
            level = Level()
            for _ in range(num_blocks + 1):
                level.blocks.append(ResnetBlock(ch + skips.pop(), hidden_channels * channel_mults[i], embed_channels,
                                                num_groups, dropout))
                ch = hidden_channels * channel_mults[i]
                if res in attention_sizes:
                    level.attentions.append(AttentionBlock(ch, num_groups))
            if i != 0:
                level.upsample = Resample(ch, True, do_conv_sample)
                res *= 2
            up.append(level)
        self.up_layers = nn.ModuleList(reversed(up))
        self.out_norm = norm(hidden_channels, num_groups)
        self.out_conv = nn.Conv2d(hidden_channels, c_in, 3, padding=1)

    def forward(self, x, t):
        temb = F.silu(self.time_embed(t))
        h = self.in_conv(x)
        skips = [h]
        for level in self.down_layers:
            for j, block in enumerate(level.blocks):
                h = block(h, temb)
                if len(level.attentions):
                    h = level.attentions[j](h)
                skips.append(h)
            if hasattr(level, "downsample"):
                h = level.downsample(h)
                skips.append(h)
        h = self.mid_layers.block_2(self.mid_layers.attention(self.mid_layers.block_1(h, temb)), temb)
        for level in reversed(self.up_layers):
            for j, block in enumerate(level.blocks):
                h = block(torch.cat([h, skips.pop()], dim=1), temb)
                if len(level.attentions):
                    h = level.attentions[j](h)
            if hasattr(level, "upsample"):
                h = level.upsample(h)
        return self.out_conv(F.silu(self.out_norm(h)))


def from_yaml_network(network, shape):
    """A UNet from a seed config's `network` section (a dict) and data.shape."""
    return UNet(in_shape=list(shape), hidden_channels=network["hidden_channels"], num_blocks=network["num_blocks"],
                channel_mults=list(network["channel_mults"]), attention_sizes=list(network["attention_sizes"]),
                embed_channels=network.get("embed_channels", network.get("time_embed_channels")),
                dropout=network.get("dropout", 0.0), num_groups=network["num_groups"],
                do_conv_sample=network.get("do_conv_sample", True))


def alphas_cumprod(num_t=1000, beta_start=1e-4, beta_end=0.02):
    betas = np.linspace(beta_start, beta_end, num_t, dtype=np.float64).astype(np.float32)
    return torch.from_numpy(np.cumprod(1.0 - betas.astype(np.float64)).astype(np.float32))


def ddim_sample(model, z, steps, a_bar, num_t=1000):
    """Deterministic DDIM (eta 0), uniform spacing: x_s = sqrt(a_s) x0 + sqrt(1 - a_s) eps (Eq. 12)."""
    seq = list(range(0, num_t, num_t // steps))
    nxt = [-1] + seq[:-1]
    x = z
    for t, s in zip(reversed(seq), reversed(nxt)):
        a_t = a_bar[t]
        a_s = a_bar[s] if s >= 0 else torch.tensor(1.0)
        eps = model(x, torch.full((x.shape[0],), float(t)))
        x0 = (x - (1 - a_t).sqrt() * eps) / a_t.sqrt()
        x = a_s.sqrt() * x0 + (1 - a_s).sqrt() * eps
    return x


def uniform_timesteps(steps, num_t=1000):
    """The uniform spacing's timesteps, visiting (descending) order."""
    return list(reversed(range(0, num_t, num_t // steps)))


def _alpha_sigma(a_bar, t):
    a = torch.tensor(1.0, dtype=torch.float64) if t < 0 else a_bar[t].double()
    return a.sqrt().item(), (1 - a).sqrt().item()


def dpmpp_2m_sample(model, z, steps, a_bar):
    """DPM-Solver++ 2M (Lu et al. 2022), data prediction, uniform spacing, as ddim4j's DpmSolverPlusPlus(order 2):
    the step to the clean image is the data prediction itself."""
    ts = uniform_timesteps(steps)
    x = z
    m_prev, lam_prev = None, None
    for i, s in enumerate(ts):
        a_s, s_s = _alpha_sigma(a_bar, s)
        eps = model(x, torch.full((x.shape[0],), float(s)))
        m = (x - s_s * eps) / a_s
        lam_s = np.log(a_s / s_s)
        if i == len(ts) - 1:
            return m
        a_t, s_t = _alpha_sigma(a_bar, ts[i + 1])
        h = np.log(a_t / s_t) - lam_s
        phi1 = np.expm1(-h)
        nxt = (s_t / s_s) * x - (a_t * phi1) * m
        if m_prev is not None:
            r0 = (lam_s - lam_prev) / h
            nxt = nxt - (0.5 * a_t * phi1) * ((m - m_prev) / r0)
        x, m_prev, lam_prev = nxt, m, lam_s
    return x


def _eps64(model, x, t):
    """The network's float32 prediction at the float32 rounding of a double state, in double (ddim4j's DoubleStates)."""
    return model(x.float(), torch.full((x.shape[0],), float(t))).double()


def edict_encode(model, images, steps, a_bar, p=0.93):
    """EDICT's inversion (Wallace et al. 2023) of images in [-1, 1], uniform spacing, the pair in double: 2 S evaluations."""
    ts = uniform_timesteps(steps)
    x = images.double()
    y = x.clone()
    for i in reversed(range(len(ts))):
        t = ts[i]
        a_t = a_bar[t].double().item()
        a_prev = a_bar[ts[i + 1]].double().item() if i + 1 < len(ts) else 1.0
        a = (a_prev / a_t) ** 0.5
        b = (1 - a_prev) ** 0.5 - a * (1 - a_t) ** 0.5
        ys = (y - (1 - p) * x) / p
        xs = (x - (1 - p) * ys) / p
        y = (ys - b * _eps64(model, xs, t)) / a
        x = (xs - b * _eps64(model, y, t)) / a
    return x, y


def bdia_encode(model, images, steps, a_bar, gamma=1.0):
    """BDIA-DDIM's inversion (Zhang et al. 2023) of images in [-1, 1], uniform spacing, states in double: S evaluations,
    as ddim4j's BdiaSampler.encode."""
    ts = uniform_timesteps(steps)
    n = len(ts)

    def alpha(k):
        return 1.0 if k == n else a_bar[ts[k]].double().sqrt().item()

    def sigma(k):
        return 0.0 if k == n else (1 - a_bar[ts[k]].double()).sqrt().item()

    nxt = images.double()
    cur = alpha(n - 1) * nxt + sigma(n - 1) * _eps64(model, nxt, ts[n - 1])
    for k in range(n - 1, 0, -1):
        c_next, c_prev = alpha(k + 1) / alpha(k), alpha(k - 1) / alpha(k)
        d_next, d_prev = sigma(k + 1) - c_next * sigma(k), sigma(k - 1) - c_prev * sigma(k)
        big_a, big_b = c_next - gamma * c_prev, d_next - gamma * d_prev
        prev = (nxt - big_a * cur - big_b * _eps64(model, cur, ts[k])) / gamma
        nxt, cur = cur, prev
    return cur, nxt


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", name + ": only F32 is read here"
        a, b = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"]).copy())
    return out


def flops_per_image(model, shape):
    """Multiply-adds x 2 of the convolutions, linear layers and attention products for one image."""
    total = [0]
    hooks = []

    def conv_hook(m, inp, out):
        total[0] += 2 * out.numel() // out.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear_hook(m, inp, out):
        total[0] += 2 * out.numel() // out.shape[0] * m.in_features

    def attn_hook(m, inp, out):
        _, c, h, w = inp[0].shape
        total[0] += 2 * 2 * c * (h * w) ** 2

    for mod in model.modules():
        if isinstance(mod, nn.Conv2d):
            hooks.append(mod.register_forward_hook(conv_hook))
        elif isinstance(mod, nn.Linear):
            hooks.append(mod.register_forward_hook(linear_hook))
        elif isinstance(mod, AttentionBlock):
            hooks.append(mod.register_forward_hook(attn_hook))
    with torch.no_grad():
        model(torch.zeros(1, *shape), torch.zeros(1))
    for h in hooks:
        h.remove()
    return total[0]
