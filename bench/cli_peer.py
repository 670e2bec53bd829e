"""The peer of bench/cli_compare.ts: a folder of PNGs through lightly's
GaussianMixtureMask, one image at a time, as a plain Python script would do it:

    PIL decode -> ToTensor -> torch.fft.rfft2 -> the mask of k Gaussians
    (lightly's GaussianMixtureMask: per Gaussian a meshgrid of the half
    spectrum, centre u0 ~ randint(U), v0 ~ randint(V), sigma ~ U(lo, hi) per
    axis, mask *= 1 - G; the DC bin is masked too) -> irfft2 (s = H, W) ->
    clamp to [0, 1], round to 8 bits (as freqaug's PNG output) -> PIL encode
    (PNG, compress_level; Pillow filters each row adaptively and deflates
    with zlib's Z_FILTERED strategy).

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/cli_peer.py --in DIR --out DIR
        [--level 0..9] [--k 20] [--sigma 10,15] [--threads 2] [--seed 0]

Writes one PNG per input at the same relative path (name.png) and prints one
JSON line: { peer, torch, pillow, images, level, threads, seconds, img_per_s,
bytes_out } (seconds: the loop alone, after the imports).
"""

import argparse
import json
import os
import sys
import time

import PIL
import torch
import torchvision.transforms.functional as TF
from PIL import Image

parser = argparse.ArgumentParser()
parser.add_argument("--in", dest="src", required=True)
parser.add_argument("--out", dest="dst", required=True)
parser.add_argument("--level", type=int, default=6)
parser.add_argument("--k", type=int, default=20)
parser.add_argument("--sigma", default="10,15")
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
if not 0 <= args.level <= 9:
    sys.exit(f"--level: got {args.level}, expected 0..9")
lo, hi = (float(s) for s in args.sigma.split(","))

torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)


def gaussian(shape, sigma, center):
    # lightly's gaussian_kernel: a meshgrid of the whole half spectrum per Gaussian.
    u, v = torch.meshgrid(torch.arange(0, shape[0]), torch.arange(0, shape[1]), indexing="ij")
    u0, v0 = center
    return torch.exp(-((u - u0) ** 2 / (2 * sigma[0] ** 2) + (v - v0) ** 2 / (2 * sigma[1] ** 2)))


def gmm(freq, k, std):
    # lightly's GaussianMixtureMask.apply_gaussian_mixture_mask.
    _, U, V = freq.shape
    mask = freq.new_ones(freq.shape)
    for _ in range(k):
        u0 = torch.randint(0, U, (1,))
        v0 = torch.randint(0, V, (1,))
        center = torch.tensor((u0, v0))
        sigma = torch.rand(2) * (std[1] - std[0]) + std[0]
        mask *= 1 - gaussian((U, V), sigma, center).unsqueeze(0)
    return freq * mask


def inputs(root):
    found = []
    for base, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.lower().endswith(".png") and not f.startswith("."):
                found.append(os.path.relpath(os.path.join(base, f), root))
    return found


names = inputs(args.src)
t0 = time.perf_counter()
written = 0
for rel in names:
    img = Image.open(os.path.join(args.src, rel)).convert("RGB")
    x = TF.to_tensor(img)  # lightly's RFFT2DTransform starts with ToTensor
    h, w = x.shape[-2:]
    y = torch.fft.irfft2(gmm(torch.fft.rfft2(x), args.k, (lo, hi)), s=(h, w))
    out = y.clamp(0, 1).mul(255).round().to(torch.uint8).permute(1, 2, 0).contiguous().numpy()
    dst = os.path.join(args.dst, os.path.splitext(rel)[0] + ".png")
    os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
    Image.fromarray(out, "RGB").save(dst, compress_level=args.level)
    written += 1
seconds = time.perf_counter() - t0
size = sum(os.path.getsize(os.path.join(b, f)) for b, _, fs in os.walk(args.dst) for f in fs)
print(json.dumps({
    "peer": "PIL + torch, lightly's GaussianMixtureMask per image",
    "torch": torch.__version__,
    "pillow": PIL.__version__,
    "images": written,
    "level": args.level,
    "threads": args.threads,
    "seconds": round(seconds, 3),
    "img_per_s": round(written / seconds, 1) if seconds > 0 else None,
    "bytes_out": size,
}))
