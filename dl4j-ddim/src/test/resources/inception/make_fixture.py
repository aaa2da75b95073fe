#!/usr/bin/env python3
"""The Inception parity fixture: pytorch-fid's FID Inception-v3 (torchvision's Inception3 with 1008 classes and
pytorch-fid's block changes) with deterministic weights, on a few images, and the 2048 pool features it gives.

Run with Debian's PyTorch: /usr/bin/python3 make_fixture.py (python3-torch 1.13, python3-torchvision 0.14).
Writes fixture.npz: x32 [2,3,32,32] and x64 [1,3,64,64] in [-1, 1], f32 [2,2048] and f64 [1,2048], and
first_conv.pth: Conv2d_1a_3x3's five tensors as torch.save writes them (for the .pth reader's name mapping).

The weights are a function of the tensor's name, so the Java test makes the same ones (InceptionFixtureWeights):
for element i of tensor n, z = splitmix64(crc32(n) + (i + 1) * 0x9E3779B97F4A7C15), v = 2 (z >> 40) / 2^24 - 1;
conv weights v sqrt(6 / fan_in) (He's uniform), BN weight 1 + v / 10, bias v / 10, running mean v / 10, running
variance 1 + (v + 1) / 10; each computed in double and rounded once to float32.
"""
import zlib

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torchvision.models import inception as tvi

GOLDEN = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


def uniform(name, count):
    """v in [-1, 1) for elements 0..count-1 of the tensor called name (uint64 arithmetic wraps)."""
    seed = np.uint64(zlib.crc32(name.encode()))
    i = np.arange(1, count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = seed + i * np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return 2.0 * (z >> np.uint64(40)).astype(np.float64) / 2.0 ** 24 - 1.0


def value(name, shape):
    v = uniform(name, int(np.prod(shape)))
    if name.endswith("conv.weight"):
        fan_in = int(np.prod(shape[1:]))
        x = v * np.sqrt(6.0 / fan_in)
    elif name.endswith("bn.weight"):
        x = 1.0 + v / 10
    elif name.endswith("bn.bias") or name.endswith("running_mean"):
        x = v / 10
    elif name.endswith("running_var"):
        x = 1.0 + (v + 1.0) / 10
    else:
        raise ValueError(name)
    return torch.from_numpy(x.astype(np.float32).reshape(shape))


class FidA(tvi.InceptionA):
    """Mixed_5b-5d: the pooling branch averages over the real pixels only (count_include_pad=False)."""

    def forward(self, x):
        pooled = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False))
        five = self.branch5x5_2(self.branch5x5_1(x))
        dbl = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return torch.cat([self.branch1x1(x), five, dbl, pooled], 1)


class FidC(tvi.InceptionC):
    def forward(self, x):
        seven = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        dbl = x
        for layer in (self.branch7x7dbl_1, self.branch7x7dbl_2, self.branch7x7dbl_3, self.branch7x7dbl_4,
                      self.branch7x7dbl_5):
            dbl = layer(dbl)
        pooled = self.branch_pool(F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False))
        return torch.cat([self.branch1x1(x), seven, dbl, pooled], 1)


class FidE(tvi.InceptionE):
    """Mixed_7b averages without padding, Mixed_7c takes the maximum (pytorch-fid's FIDInceptionE_1 and _2)."""

    def __init__(self, in_channels, max_pool):
        super().__init__(in_channels)
        self.max_pool = max_pool

    def forward(self, x):
        a = self.branch3x3_1(x)
        three = torch.cat([self.branch3x3_2a(a), self.branch3x3_2b(a)], 1)
        b = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        dbl = torch.cat([self.branch3x3dbl_3a(b), self.branch3x3dbl_3b(b)], 1)
        if self.max_pool:
            p = F.max_pool2d(x, 3, stride=1, padding=1)
        else:
            p = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        return torch.cat([self.branch1x1(x), three, dbl, self.branch_pool(p)], 1)


def fid_inception():
    net = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False, num_classes=1008)
    net.Mixed_5b, net.Mixed_5c, net.Mixed_5d = FidA(192, 32), FidA(256, 64), FidA(288, 64)
    net.Mixed_6b, net.Mixed_6c = FidC(768, 128), FidC(768, 160)
    net.Mixed_6d, net.Mixed_6e = FidC(768, 160), FidC(768, 192)
    net.Mixed_7b, net.Mixed_7c = FidE(1280, False), FidE(2048, True)
    state = {k: (value(k, tuple(t.shape)) if t.dtype.is_floating_point else t)
             for k, t in net.state_dict().items() if not k.startswith("fc.")}
    net.load_state_dict(state, strict=False)
    return net.eval(), state


def features(net, x):
    """pytorch-fid's InceptionV3 forward: images in [0, 1], resized to 299, scaled to [-1, 1], pool after Mixed_7c."""
    x = F.interpolate(x, size=(299, 299), mode="bilinear", align_corners=False)
    x = 2 * x - 1
    for name in ("Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "maxpool1", "Conv2d_3b_1x1", "Conv2d_4a_3x3",
                 "maxpool2", "Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d",
                 "Mixed_6e", "Mixed_7a", "Mixed_7b", "Mixed_7c", "avgpool"):
        x = getattr(net, name)(x)
    return x.flatten(1)


def images(seed, n, size):
    """Smooth images in [-1, 1]: random coarse patterns upsampled, so that resizing matters."""
    g = torch.Generator().manual_seed(seed)
    coarse = torch.rand(n, 3, size // 4, size // 4, generator=g) * 2 - 1
    return F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False).clamp(-1, 1)


def main():
    torch.set_num_threads(2)
    net, state = fid_inception()
    x32, x64 = images(1, 2, 32), images(2, 1, 64)
    with torch.no_grad():
        f32 = features(net, (x32 + 1) / 2)
        f64 = features(net, (x64 + 1) / 2)
    print("features: mean %.4f, std %.4f, max %.4f" % (f32.mean(), f32.std(), f32.abs().max()))
    np.savez("fixture.npz", x32=x32.numpy(), x64=x64.numpy(), f32=f32.numpy(), f64=f64.numpy())
    first = {k: v for k, v in state.items() if k.startswith("Conv2d_1a_3x3.")}
    torch.save(first, "first_conv.pth")
    print("tensors:", len(state), "first conv:", sorted(first))


if __name__ == "__main__":
    main()
