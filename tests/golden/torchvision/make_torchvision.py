#!/usr/bin/python3
"""Makes golden vectors of six torchvision 0.14 ops in freqaug's golden container (FQGOLD1).

What it needs
    Debian 12 (bookworm) with its own packages, run with /usr/bin/python3:

        apt-get install python3-torch python3-torchvision python3-pil python3-numpy \\
            python-matplotlib-data python3-skimage

    (torch 1.13.1, torchvision 0.14.1, Pillow 9.4, libjpeg-turbo 2.1.5). Only the image files
    of python-matplotlib-data and python3-skimage are read, so instead of installing those two
    they can be unpacked anywhere (apt-get download PKG; dpkg -x PKG.deb DIR) and DIR given as
    --root. It runs on the CPU in one thread. Neither CI nor the tests run it: the tests read the
    .bin files committed beside it.

What it does, for each case in CASES
    1. builds the input x, float32 C x H x W: either pixels of a photograph (decoded with PIL,
       converted to RGB, a crop of it taken, then torch.from_numpy(uint8).float() / 255, so
       float32(k / 255)), or synthetic values made here from fixed numpy seeds;
    2. applies the op's params (the JSON form of NEWOPS_SPEC.md) with torchvision's tensor
       functional in float32 (see apply() below for the exact calls);
    3. checks the result against an independent float64 numpy implementation of the same
       formulas (reference() below; exact for flips and solarize, within 2e-6 or so elsewhere)
       and stops if they disagree by more than the case's tolerance;
    4. writes <OUT_DIR>/<name>.bin: "FQGOLD1\\n", u32 little-endian header length, the UTF-8 JSON
       header padded with spaces to an 8-byte boundary, then x and y as float64 little-endian
       (the float32 values, widened exactly). See README.md beside this script.

Usage
    /usr/bin/python3 tests/golden/torchvision/make_torchvision.py [--out OUT_DIR] [--root ROOT]
        [--check] [--only NAME ...]
    /usr/bin/python3 tests/golden/torchvision/make_torchvision.py --blur-table [--root ROOT]

    --check writes nothing: it makes every case in memory and compares it byte for byte with the
    file in OUT_DIR, printing the cases that differ. --blur-table prints the table of README.md's
    "Blur: PIL vs sampled Gaussian" (see blur_table()) and writes nothing.
"""

import argparse
import gzip
import hashlib
import json
import math
import os
import struct
import subprocess
import sys

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F
from PIL import Image

MAGIC = b"FQGOLD1\n"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

# ---------------------------------------------------------------------------------------------
# Photographs: (Debian package, path below --root, licence words). Every crop is of native pixels.
PHOTOS = {
    "hopper": (
        "python-matplotlib-data",
        "usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg",
        "Grace Hopper, US Navy photograph, public domain",
    ),
    "rocket": (
        "python3-skimage",
        "usr/lib/python3/dist-packages/skimage/data/rocket.jpg",
        "DSCOVR on Falcon 9, SpaceX photograph released into the public domain",
    ),
    "chelsea": (
        "python3-skimage",
        "usr/lib/python3/dist-packages/skimage/data/chelsea.png",
        "Chelsea the cat, CC0 (Stefan van der Walt)",
    ),
    "coffee": (
        "python3-skimage",
        "usr/lib/python3/dist-packages/skimage/data/coffee.png",
        "coffee cup, CC0 (Rachel Michetti)",
    ),
    "astronaut": (
        "python3-skimage",
        "usr/lib/python3/dist-packages/skimage/data/astronaut.png",
        "Eileen Collins, NASA photograph, public domain",
    ),
}
# The repository's own fixtures (20 x 14 synthetic gradients saved as JPEG, see tests/fixtures/make_fixtures.py).
FIXTURES = {
    "base": "tests/fixtures/base.jpg",
    "progressive": "tests/fixtures/progressive.jpg",
}


def deb_version(pkg, root="/"):
    """The installed version of a Debian package, or where it was unpacked under root (dpkg -x), its changelog's."""
    try:
        out = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", pkg], capture_output=True, text=True)
        status, _, version = out.stdout.strip().partition(" ")
        if status == "installed" and version:
            return version
    except OSError:
        pass
    try:
        with gzip.open(os.path.join(root, "usr/share/doc", pkg, "changelog.Debian.gz"), "rt") as f:
            first = f.readline()
        return first[first.index("(") + 1 : first.index(")")]
    except (OSError, ValueError):
        return "?"


class Inputs:
    """Makes the input images; every one is a float32 numpy array C x H x W, plus a line saying what it is."""

    def __init__(self, root):
        self.root = root
        self._cache = {}

    def _decode(self, path):
        if path not in self._cache:
            with open(path, "rb") as f:
                data = f.read()
            im = Image.open(path)
            im.load()
            self._cache[path] = (np.asarray(im.convert("RGB")), hashlib.sha256(data).hexdigest())
        return self._cache[path]

    @staticmethod
    def _to_float(u8):
        # C x H x W float32, exactly as torchvision users do it: tensor.float() / 255
        t = torch.from_numpy(np.ascontiguousarray(u8.transpose(2, 0, 1))).float() / 255
        return t.numpy()

    def photo(self, key, top, left, h, w, channels=3):
        pkg, rel, licence = PHOTOS[key]
        path = os.path.join(self.root, rel)
        rgb, sha = self._decode(path)
        if top + h > rgb.shape[0] or left + w > rgb.shape[1]:
            raise ValueError(f"crop {top},{left},{h},{w} outside {rel} {rgb.shape}")
        x = self._to_float(rgb[top : top + h, left : left + w])
        if channels == 1:
            x = x[1:2].copy()  # the green channel alone
        what = (
            f"photo: /{rel} (Debian {pkg} {deb_version(pkg, self.root)}; {licence}; sha256 {sha[:16]}...), "
            f"rows {top}..{top + h - 1}, columns {left}..{left + w - 1}"
            + (", green channel only" if channels == 1 else "")
            + f"; PIL {Image.__version__} decode, RGB, uint8 / 255 in float32"
        )
        return x, what

    def fixture(self, key):
        rel = FIXTURES[key]
        rgb, sha = self._decode(os.path.join(REPO, rel))
        x = self._to_float(rgb)
        return x, f"repo fixture {rel} (sha256 {sha[:16]}...), whole image; PIL decode, RGB, uint8 / 255 in float32"

    @staticmethod
    def uniform(c, h, w, seed, lo=0.0, hi=1.0):
        rs = np.random.RandomState(seed)
        x = (lo + (hi - lo) * rs.random_sample((c, h, w))).astype(np.float32)
        return x, f"synthetic: numpy RandomState({seed}).random_sample, scaled to [{lo}, {hi}), float32"

    @staticmethod
    def out_of_range(c, h, w, seed):
        """Uniform in [-0.05, 1.05] with the exact float32 values -0.05, 0, 1, 1.05 and 0.5 in the first pixels."""
        rs = np.random.RandomState(seed)
        x = (-0.05 + 1.1 * rs.random_sample((c, h, w))).astype(np.float32)
        flat = x.reshape(-1)
        special = np.array([-0.05, 1.05, 0.0, 1.0, 0.5, -0.05, 1.05], np.float32)
        flat[: min(len(special), flat.size)] = special[: flat.size]
        return x, (
            f"synthetic: numpy RandomState({seed}), uniform in [-0.05, 1.05), float32; the first values "
            "(channel-major order) are -0.05, 1.05, 0, 1, 0.5, -0.05, 1.05 exactly (as float32)"
        )

    @staticmethod
    def zone_plate(c, h, w):
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
        r2 = (yy - h / 2) ** 2 + (xx - w / 2) ** 2
        z = 0.5 + 0.5 * np.cos(np.pi * r2 / (0.75 * max(h, w)))
        x = np.repeat(z[None], c, axis=0).astype(np.float32)
        return x, (
            f"synthetic zone plate: 0.5 + 0.5 cos(pi r^2 / {0.75 * max(h, w)}), r measured from "
            f"({h / 2}, {w / 2}), float32, same in every channel"
        )

    @staticmethod
    def hue_pixels():
        """4 x 6 RGB pixels that test the hue code: primaries, greys, ties, sector edges."""
        e20 = 2.0**-20
        e23 = 2.0**-23
        px = [
            (1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1),  # primaries, secondaries
            (0, 0, 0), (1, 1, 1), (0.5, 0.5, 0.5), (0.5, 0.5, 0.5 + e20), (0.5, 0.5 + e23, 0.5), (0.25, 0.25, 0.25),
            (0.8, 0.8, 0.2), (0.8, 0.2, 0.8), (0.2, 0.8, 0.8), (0.9, 0.3, 0.3), (1, 0.5, 0), (0, 0.5, 1),
            (0.01, 0, 0), (1, 0.99, 0.98), (0.25, 0.75, 0.5), (0.6, 0.4, 0.2), (0.1, 0.9, 0.6), (0.3, 0.2, 0.9),
        ]  # fmt: skip
        a = np.array(px, np.float32).reshape(4, 6, 3).transpose(2, 0, 1).copy()
        return a, (
            "synthetic 4 x 6 pixels, row by row: red, green, blue, yellow, cyan, magenta; black, white, grey 0.5, "
            "(0.5, 0.5, 0.5 + 2^-20), (0.5, 0.5 + 2^-23, 0.5), grey 0.25; (0.8, 0.8, 0.2), (0.8, 0.2, 0.8), "
            "(0.2, 0.8, 0.8), (0.9, 0.3, 0.3), (1, 0.5, 0), (0, 0.5, 1); (0.01, 0, 0), (1, 0.99, 0.98), "
            "(0.25, 0.75, 0.5), (0.6, 0.4, 0.2), (0.1, 0.9, 0.6), (0.3, 0.2, 0.9); float32"
        )

    @staticmethod
    def values(c, h, w, vals, what):
        a = np.array(vals, np.float32).reshape(c, h, w)
        return a, what


def f32(v):
    return float(np.float32(v))


def next_up(v):
    return float(np.nextafter(np.float32(v), np.float32(2)))


def next_down(v):
    return float(np.nextafter(np.float32(v), np.float32(-2)))


def kernel_size(sigma):
    return 2 * math.ceil(3 * sigma) + 1


# ---------------------------------------------------------------------------------------------
# The ops, as torchvision 0.14 runs them on float32 tensors.


def apply(op, params, options, x):
    """Returns (y as float32 numpy, the torchvision call in words)."""
    t = torch.from_numpy(x.copy())
    C, H, W = x.shape
    applied = params["applied"]
    if op == "randomResizedCrop":
        top, left, height, width = params["top"], params["left"], params["height"], params["width"]
        if not applied and (top, left, height, width) != (0, 0, H, W):
            raise ValueError("a randomResizedCrop that is not applied must have the whole image as its box")
        size = list(options["size"])
        aa = options["antialias"]
        y = F.resized_crop(t, top, left, height, width, size, F.InterpolationMode.BILINEAR, antialias=aa)
        call = f"F.resized_crop(x, {top}, {left}, {height}, {width}, {size}, InterpolationMode.BILINEAR, antialias={aa})"
    elif not applied:
        y, call = t, "none (not applied: y = x)"
        if op == "colorJitter" and (
            params["order"] != [0, 1, 2, 3] or any(params[k] is not None for k in ("brightness", "contrast", "saturation", "hue"))
        ):
            raise ValueError("a colorJitter that is not applied has order [0,1,2,3] and null factors")
        if op == "gaussianBlur" and params["sigma"] != 0:
            raise ValueError("a gaussianBlur that is not applied has sigma 0")
    elif op == "horizontalFlip":
        y, call = F.hflip(t), "F.hflip(x)"
    elif op == "verticalFlip":
        y, call = F.vflip(t), "F.vflip(x)"
    elif op == "colorJitter":
        names = ["brightness", "contrast", "saturation", "hue"]
        fns = [F.adjust_brightness, F.adjust_contrast, F.adjust_saturation, F.adjust_hue]
        y, calls = t, []
        for i in params["order"]:
            f = params[names[i]]
            if f is None:
                continue
            y = fns[i](y, f)
            calls.append(f"F.adjust_{names[i]}(., {f!r})")
        call = " then ".join(calls) if calls else "none (every factor null)"
    elif op == "grayscale":
        y, call = F.rgb_to_grayscale(t, num_output_channels=3), "F.rgb_to_grayscale(x, num_output_channels=3)"
    elif op == "gaussianBlur":
        s = params["sigma"]
        k = kernel_size(s)
        y = F.gaussian_blur(t, [k, k], [s, s])
        call = f"F.gaussian_blur(x, kernel_size=[{k}, {k}], sigma=[{s!r}, {s!r}])"
    elif op == "solarize":
        thr = options["threshold"]
        y, call = F.solarize(t, thr), f"F.solarize(x, {thr!r})"
    else:
        raise ValueError(op)
    y = y.contiguous().numpy()
    if y.dtype != np.float32:
        raise TypeError(f"{op}: torchvision returned {y.dtype}")
    return y.copy(), call


# ---------------------------------------------------------------------------------------------
# An independent float64 implementation, to check the cases (and to say in words what torch does).


def ref_gray(x):
    return 0.2989 * x[0] + 0.587 * x[1] + 0.114 * x[2]


def ref_blend(a, b, f):
    return np.clip(f * a + (1 - f) * b, 0, 1)


def ref_hue(x, f):
    r, g, b = x
    maxc, minc = x.max(0), x.min(0)
    eqc = maxc == minc
    cr = maxc - minc
    s = cr / np.where(eqc, 1, maxc)
    d = np.where(eqc, 1, cr)
    rc, gc, bc = (maxc - r) / d, (maxc - g) / d, (maxc - b) / d
    h = (maxc == r) * (bc - gc) + ((maxc == g) & (maxc != r)) * (2 + rc - bc) + ((maxc != g) & (maxc != r)) * (4 + gc - rc)
    h = np.fmod(h / 6 + 1, 1)
    h = np.mod(h + f, 1)
    v = maxc
    i = np.floor(h * 6)
    fr = h * 6 - i
    i = i.astype(int) % 6
    p = np.clip(v * (1 - s), 0, 1)
    q = np.clip(v * (1 - s * fr), 0, 1)
    t = np.clip(v * (1 - s * (1 - fr)), 0, 1)
    table = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = np.zeros_like(x)
    for k in range(6):
        m = i == k
        for c in range(3):
            out[c][m] = table[k][c][m]
    return out


def ref_resize_weights(n_in, n_out, aa):
    """Rows of weights, n_out x n_in: bilinear, align_corners=False; with aa, PIL's triangle filter stretched by the scale."""
    scale = n_in / n_out
    w = np.zeros((n_out, n_in))
    for i in range(n_out):
        if aa:
            support = scale if scale >= 1 else 1.0
            invscale = 1 / scale if scale >= 1 else 1.0
            center = scale * (i + 0.5)
            xmin = max(int(center - support + 0.5), 0)
            xmax = min(int(center + support + 0.5), n_in)
            for j in range(xmin, xmax):
                w[i, j] = max(0.0, 1 - abs((j - center + 0.5) * invscale))
            w[i] /= w[i].sum()
        else:
            src = max(scale * (i + 0.5) - 0.5, 0.0)
            j0 = min(int(math.floor(src)), n_in - 1)
            j1 = min(j0 + 1, n_in - 1)
            lam = src - j0
            w[i, j0] += 1 - lam
            w[i, j1] += lam
    return w


def reference(op, params, options, x):
    x = x.astype(np.float64)
    C, H, W = x.shape
    if op == "randomResizedCrop":
        crop = x[:, params["top"] : params["top"] + params["height"], params["left"] : params["left"] + params["width"]]
        h, w = options["size"]
        wy = ref_resize_weights(crop.shape[1], h, options["antialias"])
        wx = ref_resize_weights(crop.shape[2], w, options["antialias"])
        return np.einsum("ij,cjk,lk->cil", wy, crop, wx)
    if not params["applied"]:
        return x
    if op == "horizontalFlip":
        return x[:, :, ::-1]
    if op == "verticalFlip":
        return x[:, ::-1, :]
    if op == "grayscale":
        return np.repeat(ref_gray(x)[None], 3, 0) if C == 3 else x
    if op == "solarize":
        # torch computes 1 - x in float32: the float64 difference rounded once to float32 is the same number
        # and compares x with the threshold rounded to float32 (a python float against a float32 tensor)
        return np.where(x >= f32(options["threshold"]), (1 - x).astype(np.float32).astype(np.float64), x)
    if op == "gaussianBlur":
        s = params["sigma"]
        r = kernel_size(s) // 2
        k = np.exp(-0.5 * (np.arange(-r, r + 1) / s) ** 2)
        k /= k.sum()
        p = np.pad(x, ((0, 0), (r, r), (r, r)), mode="reflect")
        rows = sum(k[i] * p[:, i : i + H, :] for i in range(2 * r + 1))
        return sum(k[i] * rows[:, :, i : i + W] for i in range(2 * r + 1))
    if op == "colorJitter":
        y = x
        for i in params["order"]:
            f = params[["brightness", "contrast", "saturation", "hue"][i]]
            if f is None:
                continue
            if i == 0:
                y = ref_blend(y, 0, f)
            elif i == 1:
                y = ref_blend(y, (ref_gray(y) if C == 3 else y).mean(), f)
            elif i == 2:
                y = ref_blend(y, ref_gray(y)[None], f) if C == 3 else y
            else:
                y = ref_hue(y, f) if C == 3 else y
        return y
    raise ValueError(op)


# ---------------------------------------------------------------------------------------------
# The cases.


def cases(inp):
    """Yields dicts: name, op, params, options, x, input (words), note, tol (float64 check bound)."""
    P = inp.photo

    def case(name, op, params, x_what, note, options=None, tol=2e-6):
        x, what = x_what
        p = {"op": op}
        p.update(params)
        return dict(name=name, op=op, params=p, options=options or {}, x=x, input=what, note=note, tol=tol)

    def rrc(name, x_what, box, size, aa, note, applied=True, tol=1e-5):
        t, l, h, w = box
        return case(
            name,
            "randomResizedCrop",
            {"applied": applied, "top": t, "left": l, "height": h, "width": w},
            x_what,
            note,
            {"size": list(size), "antialias": aa},
            tol,
        )

    def cj(name, x_what, order, b, c, s, h, note, applied=True, tol=2e-6):
        return case(
            name,
            "colorJitter",
            {"applied": applied, "order": order, "brightness": b, "contrast": c, "saturation": s, "hue": h},
            x_what,
            note,
            tol=tol,
        )

    def blur(name, x_what, sigma, note, applied=True):
        return case(name, "gaussianBlur", {"applied": applied, "sigma": sigma}, x_what, note)

    def sol(name, x_what, thr, note, applied=True):
        return case(name, "solarize", {"applied": applied}, x_what, note, {"threshold": thr}, tol=0)

    def simple(name, op, x_what, note, applied=True):
        return case(name, op, {"applied": applied}, x_what, note, tol=0 if "Flip" in op else 2e-6)

    U = inp.uniform
    # -- randomResizedCrop ---------------------------------------------------------------------
    yield rrc("rrc_photo_hopper_aa", P("hopper", 130, 150, 96, 96), (8, 12, 80, 72), (32, 28), True,
              "photo, box inside the image, downscale by 2.5 x 2.57 with antialias")  # fmt: skip
    yield rrc("rrc_photo_rocket_down8_aa", P("rocket", 340, 330, 64, 48), (0, 0, 64, 48), (8, 6), True,
              "photo with point lights, whole crop downscaled by 8 with antialias (triangle filter of half-width 8)")  # fmt: skip
    yield rrc("rrc_photo_rocket_down8_noaa", P("rocket", 340, 330, 64, 48), (0, 0, 64, 48), (8, 6), False,
              "the same without antialias: plain bilinear reads 2 of every 8 pixels per axis")  # fmt: skip
    yield rrc("rrc_zone_down_aa", inp.zone_plate(1, 64, 48), (0, 0, 64, 48), (7, 5), True,
              "one channel, high frequencies, non-integer factors 9.14 x 9.6, antialias")  # fmt: skip
    yield rrc("rrc_zone_down_noaa", inp.zone_plate(1, 64, 48), (0, 0, 64, 48), (7, 5), False,
              "the same without antialias (aliases)")  # fmt: skip
    yield rrc("rrc_up_aa", U(3, 17, 13, 1), (3, 2, 5, 4), (16, 20), True,
              "upscaling 3.2 x 5 with antialias (the filter is plain bilinear when upscaling)")  # fmt: skip
    yield rrc("rrc_up_noaa", U(3, 17, 13, 1), (3, 2, 5, 4), (16, 20), False, "upscaling 3.2 x 5 without antialias")
    yield rrc("rrc_top_left_aa", U(3, 31, 40, 2), (0, 0, 20, 25), (24, 24), True,
              "box touching the top and left borders; rows upscaled, columns downscaled")  # fmt: skip
    yield rrc("rrc_bottom_right_noaa", U(3, 31, 40, 2), (11, 15, 20, 25), (24, 24), False,
              "box touching the bottom and right borders")  # fmt: skip
    yield rrc("rrc_full_width_aa", U(3, 31, 40, 2), (5, 0, 12, 40), (10, 30), True,
              "box spanning the whole width (touches left and right)")  # fmt: skip
    yield rrc("rrc_full_height_aa", U(3, 31, 40, 2), (0, 7, 31, 9), (16, 8), True,
              "box spanning the whole height (touches top and bottom)")  # fmt: skip
    yield rrc("rrc_whole_identity_aa", U(1, 31, 40, 3), (0, 0, 31, 40), (31, 40), True,
              "whole image to its own size: identity")  # fmt: skip
    yield rrc("rrc_not_applied_aa", U(3, 31, 40, 4), (0, 0, 31, 40), (20, 32), True,
              "not applied: the box is the whole image, still resized to size", applied=False)  # fmt: skip
    yield rrc("rrc_1x1_up_aa", inp.values(1, 1, 1, [0.7], "one pixel, value 0.7 (float32)"), (0, 0, 1, 1), (3, 2), True,
              "a 1 x 1 image upscaled: constant")  # fmt: skip
    yield rrc("rrc_1x1_c3_noaa", U(3, 1, 1, 5), (0, 0, 1, 1), (1, 1), False, "a 1 x 1 RGB image to 1 x 1: identity")
    yield rrc("rrc_to_1x1_aa", U(3, 17, 13, 6), (2, 1, 12, 10), (1, 1), True,
              "a 12 x 10 box to one pixel with antialias: a weighted mean of the box")  # fmt: skip
    yield rrc("rrc_to_1x1_noaa", U(3, 17, 13, 6), (2, 1, 12, 10), (1, 1), False,
              "the same without antialias: the 4 pixels around the box centre")  # fmt: skip
    yield rrc("rrc_mixed_axes_aa", U(3, 64, 48, 7), (10, 20, 40, 6), (10, 24), True,
              "rows downscaled by 4, columns upscaled by 4")  # fmt: skip
    yield rrc("rrc_out_of_range_aa", inp.out_of_range(3, 17, 13, 8), (1, 1, 15, 11), (6, 5), True,
              "values outside [0, 1]: resized_crop neither clamps nor rounds float images")  # fmt: skip
    yield rrc("rrc_out_of_range_up_noaa", inp.out_of_range(3, 17, 13, 8), (0, 0, 4, 3), (9, 7), False,
              "values outside [0, 1], upscaled, no clamping")  # fmt: skip
    yield rrc("rrc_fixture_progressive_aa", inp.fixture("progressive"), (2, 3, 10, 12), (14, 20), True,
              "the repo's progressive JPEG fixture, box inside, upscaled")  # fmt: skip
    yield rrc("rrc_fixture_base_aa", inp.fixture("base"), (0, 0, 14, 20), (7, 10), True,
              "the repo's baseline JPEG fixture, whole image, downscaled by exactly 2")  # fmt: skip
    yield rrc("rrc_2x3_noaa", U(3, 2, 3, 9), (0, 1, 2, 2), (5, 5), False, "a 2 x 3 image, 2 x 2 box upscaled")

    # -- flips -----------------------------------------------------------------------------------
    for op, tag in (("horizontalFlip", "hflip"), ("verticalFlip", "vflip")):
        yield simple(f"{tag}_2x3", op, U(3, 2, 3, 10), "3 x 2 x 3")
        yield simple(f"{tag}_1x1", op, U(1, 1, 1, 11), "one pixel, one channel: identity")
        yield simple(f"{tag}_c1_17x13", op, U(1, 17, 13, 12), "one channel, odd sizes")
        yield simple(f"{tag}_row_1x5", op, U(3, 1, 5, 13), "a single row")
        yield simple(f"{tag}_col_5x1", op, U(3, 5, 1, 14), "a single column")
        yield simple(f"{tag}_photo_astronaut", op, P("astronaut", 10, 20, 40, 31), "photo crop (flag), 40 x 31")
        yield simple(f"{tag}_fixture_base", op, inp.fixture("base"), "the repo's baseline JPEG fixture")
        yield simple(f"{tag}_out_of_range", op, inp.out_of_range(3, 6, 7, 15), "values outside [0, 1] move unchanged")
        yield simple(f"{tag}_not_applied", op, U(3, 2, 3, 10), "not applied: y = x", applied=False)

    # -- colorJitter -----------------------------------------------------------------------------
    H = inp.hue_pixels()
    yield cj("cj_photo_chelsea", P("chelsea", 90, 180, 80, 80), [2, 0, 3, 1], 1.2, 0.7, 1.5, 0.08,
             "photo (cat's eye), all four adjustments in order saturation, brightness, hue, contrast")  # fmt: skip
    yield cj("cj_photo_hopper", P("hopper", 200, 80, 48, 64), [3, 1, 0, 2], 0.75, 1.3, 0.4, -0.1,
             "photo (flag), order hue, contrast, brightness, saturation")  # fmt: skip
    yield cj("cj_photo_coffee", P("coffee", 230, 190, 48, 64), [1, 2, 3, 0], 1.4, 0.6, 1.2, 0.1,
             "photo (red cup handle and saucer), the ends of the default ranges")  # fmt: skip
    yield cj("cj_brightness0", U(3, 17, 13, 20), [0, 1, 2, 3], 0.0, None, None, None, "brightness 0: all black")
    yield cj("cj_brightness_clamp", U(3, 17, 13, 21), [0, 1, 2, 3], 1.4, None, None, None,
             "brightness 1.4: values above 1/1.4 clamp to 1")  # fmt: skip
    yield cj("cj_contrast0", U(3, 17, 13, 22), [1, 0, 2, 3], None, 0.0, None, None,
             "contrast 0: every value becomes the image's mean grey")  # fmt: skip
    yield cj("cj_contrast0_c1", U(1, 17, 13, 23), [1, 0, 2, 3], None, 0.0, None, None,
             "contrast 0 on one channel: the mean of x")  # fmt: skip
    yield cj("cj_contrast_high", U(3, 17, 13, 24), [1, 0, 2, 3], None, 1.8, None, None, "contrast 1.8, clamping at 0 and 1")
    yield cj("cj_saturation0", U(3, 17, 13, 25), [2, 0, 1, 3], None, None, 0.0, None,
             "saturation 0: each pixel's grey in all three channels")  # fmt: skip
    yield cj("cj_saturation_high", U(3, 17, 13, 26), [2, 0, 1, 3], None, None, 2.5, None, "saturation 2.5, clamping")
    yield cj("cj_hue_plus_half", H, [3, 0, 1, 2], None, None, None, 0.5,
             "hue +0.5 on primaries, greys, near-greys, ties and sector edges", tol=1e-5)  # fmt: skip
    yield cj("cj_hue_minus_half", H, [3, 0, 1, 2], None, None, None, -0.5, "hue -0.5 on the same pixels", tol=1e-5)
    yield cj("cj_hue_small", H, [3, 0, 1, 2], None, None, None, 0.001, "hue +0.001", tol=1e-5)
    yield cj("cj_hue_minus_027", H, [3, 0, 1, 2], None, None, None, -0.27,
             "hue -0.27: wraps below 0 for reds (python-style mod)", tol=1e-5)  # fmt: skip
    yield cj("cj_hue_zero", H, [3, 0, 1, 2], None, None, None, 0.0,
             "hue 0 (not null, so applied): the HSV round trip, not exactly x", tol=1e-5)  # fmt: skip
    yield cj("cj_hue_random", U(3, 17, 13, 27), [3, 0, 1, 2], None, None, None, 0.23, "hue 0.23 on random pixels", tol=1e-5)
    yield cj("cj_out_of_range_hue_first", inp.out_of_range(3, 17, 13, 28), [3, 2, 1, 0], 1.1, 0.9, 1.3, 0.2,
             "values outside [0, 1], hue first: adjust_hue clamps p, q, t to [0, 1] but not v", tol=1e-5)  # fmt: skip
    yield cj("cj_out_of_range_hue_only", inp.out_of_range(3, 17, 13, 29), [3, 0, 1, 2], None, None, None, 0.0,
             "values outside [0, 1], hue 0 only: greys above 1 and negatives are not kept", tol=1e-5)  # fmt: skip
    yield cj("cj_out_of_range_brightness1", inp.out_of_range(3, 17, 13, 30), [0, 1, 2, 3], 1.0, None, None, None,
             "values outside [0, 1], brightness exactly 1: a pure clamp to [0, 1]")  # fmt: skip
    yield cj("cj_c1_all", U(1, 17, 13, 31), [3, 0, 2, 1], 1.3, 0.6, 1.7, -0.15,
             "one channel: saturation and hue are identities, brightness and contrast apply")  # fmt: skip
    yield cj("cj_1x1", U(3, 1, 1, 32), [1, 0, 2, 3], 0.8, 0.5, 1.5, 0.25, "one RGB pixel", tol=1e-5)
    yield cj("cj_2x3", U(3, 2, 3, 33), [2, 3, 0, 1], 0.9, 1.6, 0.3, -0.4, "3 x 2 x 3, all four", tol=1e-5)
    for tag, order in (("0123", [0, 1, 2, 3]), ("3210", [3, 2, 1, 0]), ("1302", [1, 3, 0, 2])):
        yield cj(f"cj_order_{tag}", U(3, 17, 13, 34), order, 1.3, 0.6, 1.7, -0.15,
                 f"the same image and factors in order {order}", tol=1e-5)  # fmt: skip
    yield cj("cj_partial_null", U(3, 17, 13, 35), [2, 3, 1, 0], None, 1.2, None, 0.3,
             "brightness and saturation null (skipped), contrast and hue applied", tol=1e-5)  # fmt: skip
    yield cj("cj_not_applied", U(3, 17, 13, 36), [0, 1, 2, 3], None, None, None, None,
             "not applied: y = x", applied=False)  # fmt: skip

    # -- grayscale -------------------------------------------------------------------------------
    yield simple("gs_photo_coffee", "grayscale", P("coffee", 250, 320, 48, 48), "photo (spoon and saucer)")
    yield simple("gs_2x3", "grayscale", U(3, 2, 3, 40), "3 x 2 x 3")
    yield simple("gs_1x1_c3", "grayscale", U(3, 1, 1, 41), "one RGB pixel")
    yield simple("gs_hue_pixels", "grayscale", H, "primaries, greys and ties")
    yield simple("gs_c1_identity", "grayscale", U(1, 17, 13, 42), "one channel: identity (the output keeps 1 channel)")
    yield simple("gs_c1_1x1", "grayscale", U(1, 1, 1, 43), "one pixel, one channel: identity")
    yield simple("gs_out_of_range", "grayscale", inp.out_of_range(3, 17, 13, 44), "values outside [0, 1]: no clamping")
    yield simple("gs_fixture_progressive", "grayscale", inp.fixture("progressive"), "the repo's progressive JPEG fixture")
    yield simple("gs_not_applied", "grayscale", U(3, 17, 13, 45), "not applied: y = x", applied=False)

    # -- gaussianBlur ----------------------------------------------------------------------------
    yield blur("blur_photo_astronaut_s2", P("astronaut", 380, 130, 80, 80), 2.0, "photo (mission patch), sigma 2, kernel 13")
    yield blur("blur_photo_hopper_s1", P("hopper", 150, 170, 48, 48), 1.0, "photo (glasses), sigma 1, kernel 7")
    yield blur("blur_s0_1", U(3, 17, 13, 50), 0.1, "sigma 0.1, kernel 3: almost the identity")
    yield blur("blur_s0_3", U(1, 17, 13, 51), 0.3, "sigma 0.3 (3 sigma = 0.8999999999999999), kernel 3, one channel")
    yield blur("blur_s_third", U(3, 17, 13, 52), 1 / 3, "sigma 1/3: 3 sigma is exactly 1.0 in float64, kernel 3")
    yield blur("blur_s0_5", U(3, 31, 40, 53), 0.5, "sigma 0.5, kernel 5")
    yield blur("blur_s1", U(3, 31, 40, 54), 1.0, "sigma 1, kernel 7")
    yield blur("blur_s1_next", U(3, 31, 40, 54), 1.0000000000000002,
               "sigma 1 + 2^-52: 3 sigma = 3.0000000000000004, so kernel 9 (same image as blur_s1)")  # fmt: skip
    yield blur("blur_s1_5_c1", U(1, 31, 40, 55), 1.5, "sigma 1.5, kernel 11, one channel")
    yield blur("blur_s3", U(3, 40, 48, 56), 3.0, "sigma 3, kernel 19")
    yield blur("blur_s5", U(3, 40, 48, 57), 5.0, "sigma 5, kernel 31 (radius 15 < 40)")
    yield blur("blur_pad_edge", U(3, 7, 9, 58), 2.0,
               "sigma 2, kernel 13 on 7 x 9: radius 6 = H - 1, the largest reflect padding torch accepts")  # fmt: skip
    yield blur("blur_2x3", U(3, 2, 3, 59), 0.2, "sigma 0.2, kernel 3 on 2 x 3 (radius 1 = H - 1)")
    yield blur("blur_out_of_range", inp.out_of_range(3, 17, 13, 60), 0.8,
               "values outside [0, 1], sigma 0.8 (kernel 7): no clamping")  # fmt: skip
    yield blur("blur_fixture_base", inp.fixture("base"), 1.2, "the repo's baseline JPEG fixture, sigma 1.2, kernel 9")
    yield blur("blur_not_applied", U(3, 17, 13, 61), 0, "not applied: sigma 0, y = x", applied=False)

    # -- solarize --------------------------------------------------------------------------------
    half = [0.5, next_down(0.5), next_up(0.5), 0.0, 1.0, 0.25, 0.75, 0.4999, 0.5001, 0.5, 0.1, 0.9]
    yield sol("sol_at_threshold", inp.values(3, 2, 2, half, "values at and next to 0.5 (float32 neighbours), 0, 1"),
              0.5, "threshold 0.5: x = 0.5 is inverted (>=), its float32 neighbour below is not")  # fmt: skip
    t3 = [f32(0.3), next_down(0.3), next_up(0.3), 0.3 - 1e-7, 0.2, 0.8]
    yield sol("sol_threshold_0_3", inp.values(1, 2, 3, t3, "float32(0.3), its float32 neighbours, 0.2999999, 0.2, 0.8"),
              0.3, "threshold 0.3 (not a float32): torch compares float32 x with float32(0.3)")  # fmt: skip
    t7 = [f32(0.7), next_down(0.7), next_up(0.7), 0.7, 0.2, 0.9]
    yield sol("sol_threshold_0_7", inp.values(1, 2, 3, t7, "float32(0.7) (just below 0.7), its float32 neighbours, 0.7 again, 0.2, 0.9"),
              0.7, "threshold 0.7: float32(0.7) < 0.7, yet x = float32(0.7) is inverted: torch rounds the threshold to float32")  # fmt: skip
    t1 = [1.0, next_down(1.0), f32(1.05), 0.0, f32(-0.05), 0.5]
    yield sol("sol_threshold_1", inp.values(1, 2, 3, t1, "1, its float32 neighbour below, 1.05, 0, -0.05, 0.5"),
              1.0, "threshold 1 (the largest torch accepts for float): only x >= 1 flips; 1.05 becomes -0.05")  # fmt: skip
    t0 = [0.0, f32(-0.05), next_up(0.0), 1.0, f32(1.05), 0.5]
    yield sol("sol_threshold_0", inp.values(1, 2, 3, t0, "0, -0.05, the smallest float32 above 0, 1, 1.05, 0.5"),
              0.0, "threshold 0: everything >= 0 is inverted, negatives stay")  # fmt: skip
    yield sol("sol_out_of_range", inp.out_of_range(3, 17, 13, 70), 0.5, "values outside [0, 1], threshold 0.5")
    yield sol("sol_photo_rocket", P("rocket", 360, 420, 48, 48), 0.5, "photo (launch tower and a light), threshold 0.5")
    yield sol("sol_c1", U(1, 17, 13, 71), 0.7, "one channel, threshold 0.7")
    yield sol("sol_1x1", inp.values(1, 1, 1, [0.5], "one pixel, 0.5"), 0.5, "one pixel at the threshold")
    yield sol("sol_fixture_progressive", inp.fixture("progressive"), 0.25, "the repo's progressive JPEG fixture, threshold 0.25")
    yield sol("sol_not_applied", U(3, 17, 13, 72), 0.5, "not applied: y = x", applied=False)


# ---------------------------------------------------------------------------------------------


def pack(header, arrays):
    if "arrays" in header:
        raise ValueError('"arrays" is reserved')
    # the header's length depends on the offsets written into it: iterate until it settles
    pre = len(MAGIC) + 4
    offsets = {}
    for _ in range(10):
        h = dict(header)
        h["arrays"] = {k: [offsets.get(k, 0), int(a.size)] for k, a in arrays}
        text = json.dumps(h, ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode("utf-8")
        n = len(text) + (-(pre + len(text)) % 8)
        off = pre + n
        new = {}
        for k, a in arrays:
            new[k] = off
            off += 8 * a.size
        if new == offsets:
            break
        offsets = new
    else:
        raise RuntimeError("header length did not settle")
    body = MAGIC + struct.pack("<I", n) + text + b" " * (n - len(text))
    for _, a in arrays:
        body += np.ascontiguousarray(a, dtype="<f8").tobytes()
    return body


BLUR_PHOTOS = ("hopper", "rocket", "chelsea", "coffee", "astronaut")
BLUR_SIGMAS = (0.1, 0.5, 1.0, 1.5, 2.0)


def blur_table(root):
    """Markdown table: PIL's ImageFilter.GaussianBlur(radius=sigma) on uint8, / 255, against F.gaussian_blur on float / 255.

    Each photo: its central square (side min(H, W)) resized to 224 x 224 by PIL (Image.BICUBIC), as uint8 RGB.
    PIL: Image.filter(ImageFilter.GaussianBlur(radius=sigma)) on that uint8 image, then / 255 (float64).
    torchvision: F.gaussian_blur(float32 tensor / 255, 2 * ceil(3 sigma) + 1, sigma). Differences in [0, 1] units over
    all pixels and channels, and over the interior only (pixels at least ceil(3 sigma) from every border).
    """
    from PIL import ImageFilter

    rows = []
    for key in BLUR_PHOTOS:
        pkg, rel, _ = PHOTOS[key]
        im = Image.open(os.path.join(root, rel)).convert("RGB")
        w, h = im.size
        side = min(w, h)
        box = ((w - side) // 2, (h - side) // 2, (w - side) // 2 + side, (h - side) // 2 + side)
        im = im.crop(box).resize((224, 224), Image.BICUBIC)
        u8 = np.asarray(im)
        t = torch.from_numpy(np.ascontiguousarray(u8.transpose(2, 0, 1))).float() / 255
        for s in BLUR_SIGMAS:
            k = kernel_size(s)
            pil = np.asarray(im.filter(ImageFilter.GaussianBlur(radius=s))).transpose(2, 0, 1) / 255.0
            tv = F.gaussian_blur(t, [k, k], [s, s]).numpy().astype(np.float64)
            d = np.abs(pil - tv)
            r = k // 2
            inner = d[:, r:-r, r:-r]
            rows.append((os.path.basename(rel), s, k, d.max(), d.mean(), inner.max(), inner.mean()))
    out = [
        "| photo | sigma | kernel | max abs | mean abs | max abs, interior | mean abs, interior |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, s, k, mx, mn, imx, imn in rows:
        out.append(f"| {name} | {s:g} | {k} | {mx:.4f} | {mn:.2e} | {imx:.4f} | {imn:.2e} |")
    for s in BLUR_SIGMAS:
        sel = [r for r in rows if r[1] == s]
        out.append(
            f"| **all {len(sel)}** | {s:g} | {sel[0][2]} | {max(r[3] for r in sel):.4f} | {np.mean([r[4] for r in sel]):.2e} "
            f"| {max(r[5] for r in sel):.4f} | {np.mean([r[6] for r in sel]):.2e} |"
        )
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=HERE)
    ap.add_argument("--root", default="/", help="where the Debian packages' files are (default /)")
    ap.add_argument("--check", action="store_true", help="compare with the files in --out instead of writing")
    ap.add_argument("--only", nargs="*", help="only these cases")
    ap.add_argument("--blur-table", action="store_true", help="print the PIL-vs-torchvision blur table, write nothing")
    args = ap.parse_args()

    torch.set_num_threads(1)
    if args.blur_table:
        print(blur_table(args.root))
        return
    source = (
        f"torch {torch.__version__}, torchvision {torchvision.__version__} "
        f"(Debian python3-torch {deb_version('python3-torch')}, python3-torchvision {deb_version('python3-torchvision')}), "
        "CPU, float32, one thread"
    )
    inp = Inputs(args.root)
    names, total, bad = set(), 0, 0
    for c in cases(inp):
        name, op = c["name"], c["op"]
        if name in names:
            raise ValueError(f"duplicate case {name}")
        names.add(name)
        if args.only and name not in args.only:
            continue
        x = c["x"]
        assert x.dtype == np.float32 and x.ndim == 3 and x.shape[0] in (1, 3), (name, x.shape)
        y, call = apply(op, c["params"], c["options"], x)
        ref = reference(op, c["params"], c["options"], x)
        if ref.shape != y.shape:
            raise AssertionError(f"{name}: reference shape {ref.shape}, torch {y.shape}")
        err = float(np.max(np.abs(ref - y.astype(np.float64)))) if y.size else 0.0
        if not np.all(np.isfinite(y)) or err > c["tol"]:
            raise AssertionError(f"{name}: torch and the float64 reference differ by {err} (bound {c['tol']})")
        header = {
            "name": name,
            "op": op,
            "params": c["params"],
            "options": c["options"],
            "source": source,
            "call": call,
            "input": c["input"],
            "note": c["note"],
            "shape_in": list(x.shape),
            "shape_out": list(y.shape),
        }
        body = pack(header, [("x", x.astype(np.float64).ravel()), ("y", y.astype(np.float64).ravel())])
        path = os.path.join(args.out, name + ".bin")
        total += len(body)
        if args.check:
            old = open(path, "rb").read() if os.path.exists(path) else None
            if old != body:
                bad += 1
                print(f"DIFFERS {name}" + ("" if old is not None else " (no file)"))
            continue
        with open(path, "wb") as f:
            f.write(body)
        print(f"{name:32s} {op:18s} {str(list(x.shape)):14s} -> {str(list(y.shape)):14s} |torch - f64 ref| {err:.2e}")
    print(f"{len(names)} cases, {total} bytes")
    if args.check and bad:
        sys.exit(1)


if __name__ == "__main__":
    main()
