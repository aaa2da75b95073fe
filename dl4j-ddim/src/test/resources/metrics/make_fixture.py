#!/usr/bin/env python3
"""FID and KID reference values computed as pytorch-fid and the KID paper's code do, with NumPy and SciPy.

Run with Debian's python3-numpy and python3-scipy: /usr/bin/python3 make_fixture.py. Writes fixture.npz:
a [200, 16] and b [200, 16] (correlated Gaussian features, different means and covariances), fid (pytorch-fid's
formula: scipy.linalg.sqrtm of S_a S_b), mmd2 (the unbiased MMD^2 with the cubic kernel on the whole sets, which
is KID with one subset of all 200 vectors).
"""
import numpy as np
from scipy import linalg


def fid(a, b):
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    covmean = covmean.real
    diff = mu1 - mu2
    return diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)


def mmd2_unbiased(x, y):
    d = x.shape[1]
    m = x.shape[0]
    kxx = (x @ x.T / d + 1) ** 3
    kyy = (y @ y.T / d + 1) ** 3
    kxy = (x @ y.T / d + 1) ** 3
    sxx = kxx.sum() - np.trace(kxx)
    syy = kyy.sum() - np.trace(kyy)
    return (sxx + syy) / (m * (m - 1)) - 2 * kxy.sum() / (m * m)


def main():
    rng = np.random.default_rng(2026)
    d = 16
    la = rng.normal(size=(d, d)) / np.sqrt(d)
    lb = rng.normal(size=(d, d)) / np.sqrt(d) + 0.3 * np.eye(d)
    a = rng.normal(size=(200, d)) @ la.T + 0.5
    b = rng.normal(size=(200, d)) @ lb.T + rng.normal(size=d) * 0.2
    f = fid(a, b)
    k = mmd2_unbiased(a, b)
    print("fid %.12g mmd2 %.12g" % (f, k))
    np.savez("fixture.npz", a=a, b=b, fid=np.array(f), mmd2=np.array(k))


if __name__ == "__main__":
    main()
