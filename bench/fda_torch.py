"""The peer of bench/views.ts: lightly's FDAView1Transform, rebuilt from its
description with torch, torchvision and PIL (lightly itself is not installable
without PyPI): RandomResizedCrop(224, scale (0.08, 1)) -> ToTensor -> rfft2 ->
RandomApply(amplitude rescale (0.8, 1.75), 0.2) -> RandomApply(phase shift
(0.4, 0.7), 0.2) -> RandomApply(random frequency mask (0.01, 0.1), 0.5) ->
RandomApply(GMM k 20, sigma (10, 15), 0.2) -> irfft2 -> ToPILImage ->
RandomHorizontalFlip(0.5) -> RandomApply(ColorJitter(0.4, 0.4, 0.2, 0.1), 0.8)
-> RandomGrayscale(0.2) -> PIL GaussianBlur(radius U(0.1, 2)) -> ToTensor ->
Normalize(ImageNet). One image at a time, as a DataLoader worker does.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/fda_torch.py [count] [threads]

Prints one JSON line: { peer, count, threads, ms_per_img, img_per_s }.
"""

import json
import math
import random
import sys
import time

import numpy as np
import torch
import torchvision.transforms as T
from PIL import Image, ImageFilter

count = int(sys.argv[1]) if len(sys.argv) > 1 else 64
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)
random.seed(0)


def amplitude_rescale(f):
    a = torch.empty(f.shape[-2:]).uniform_(0.8, 1.75)
    return torch.polar(f.abs() * a, f.angle())


def phase_shift(f):
    theta = random.uniform(0.4, 0.7)
    return f * torch.exp(torch.tensor(1j * theta))


def frequency_mask(f):
    q = random.uniform(0.01, 0.1)
    keep = (torch.rand(f.shape[-2:]) >= q).to(f.dtype)
    keep[0, 0] = 1
    return f * keep


def gmm(f, k=20, sigma=(10.0, 15.0)):
    U, V = f.shape[-2:]
    u = torch.arange(U, dtype=torch.float32)[:, None]
    v = torch.arange(V, dtype=torch.float32)[None, :]
    mask = torch.ones(U, V, dtype=torch.float64)
    for _ in range(k):
        u0, v0 = random.randrange(U), random.randrange(V)
        su, sv = torch.empty(2).uniform_(*sigma)
        g = torch.exp(-((u - u0) ** 2 / (2 * su**2) + (v - v0) ** 2 / (2 * sv**2)))
        mask *= 1 - g
    return f * mask


def maybe(p, fn, x):
    return fn(x) if random.random() < p else x


crop = T.RandomResizedCrop(224, scale=(0.08, 1.0))
to_tensor, to_pil = T.ToTensor(), T.ToPILImage()
flip = T.RandomHorizontalFlip(0.5)
jitter = T.RandomApply([T.ColorJitter(0.4, 0.4, 0.2, 0.1)], p=0.8)
gray = T.RandomGrayscale(0.2)
norm = T.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])


def view1(img):
    x = to_tensor(crop(img))
    f = torch.fft.rfft2(x)
    f = maybe(0.2, amplitude_rescale, f)
    f = maybe(0.2, phase_shift, f)
    f = maybe(0.5, frequency_mask, f)
    f = maybe(0.2, gmm, f)
    x = torch.fft.irfft2(f, s=(224, 224))
    img = to_pil(x)
    img = gray(jitter(flip(img)))
    img = img.filter(ImageFilter.GaussianBlur(radius=random.uniform(0.1, 2.0)))
    return norm(to_tensor(img))


rng = np.random.default_rng(7)
images = [Image.fromarray(rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)) for _ in range(8)]
for i in range(4):
    view1(images[i % 8])  # warm-up
t0 = time.perf_counter()
for i in range(count):
    out = view1(images[i % 8])
ms = (time.perf_counter() - t0) * 1000 / count
assert out.shape == (3, 224, 224) and math.isfinite(float(out.abs().max()))
print(json.dumps({
    "peer": "torch+torchvision+PIL FDAView1 (per image)",
    "torch": torch.__version__,
    "count": count,
    "threads": threads,
    "ms_per_img": round(ms, 3),
    "img_per_s": round(1000 / ms, 1),
}))
