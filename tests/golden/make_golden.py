#!/usr/bin/env python3
"""Makes golden vectors of lightly's GaussianMixtureMask in freqaug's golden format.

What it needs
    Python 3.8+, torch (with numpy) and lightly at commit e8d317fc, where the transform is
    lightly/transforms/gaussian_mixture_masks_transform.py, for example:

        git clone https://github.com/lightly-ai/lightly && git -C lightly checkout e8d317fc
        pip install torch ./lightly

    It runs on the CPU. Neither CI nor the tests run it; the tests read the .bin files that are
    committed beside it.

What it does, for each case (C, H, W, num_gaussians, std_range) in CASES
    1. seeds torch's default generator with SEED + the case's index and draws the image x,
       C x H x W, uniform in [0, 1), in float64;
    2. F = torch.fft.rfft2(x): per channel, "backward" norm (no scaling forward), shape C x H x V
       with V = W // 2 + 1, complex128;
    3. calls lightly's own GaussianMixtureMask(num_gaussians, std_range) once, on F with one more
       channel appended whose spectrum is all ones. The transform multiplies every channel by
       the same real mask, so the extra channel comes back as the mask itself (1 * m is exact)
       and the first C channels are G = F * mask;
    4. while the transform runs, torch.randint and torch.rand are wrapped so that every value
       they return is kept. The script reads them as lightly's draws, one Gaussian after the
       other: the row centre u0 (randint), the column centre v0 (randint), then two uniforms
       r (rand) that give sigma = r * (hi - lo) + lo in float32 torch arithmetic. That reading
       is this script's assumption about lightly's code; it is checked: the mask recomputed
       from the draws in float64 must match lightly's mask within 1e-6 (lightly rounds each
       Gaussian to float32), otherwise the script stops;
    5. y = torch.fft.irfft2(G, s=(H, W)) (inverse complex FFT down the rows, scaled 1/H, then a
       real inverse FFT along each row, scaled 1/W, that ignores the imaginary part of column 0
       and, for even W, of column W/2);
    6. writes <OUT_DIR>/<name>.bin (see README.md beside this script for the format).

The committed .bin files were not written by this script: they were converted with pack.ts from
the original JSON vectors, whose seeds and inputs are not recorded. A run of this script makes
vectors of the same kind and format, with other random draws.

Usage
    python tests/golden/make_golden.py [--out OUT_DIR] [--seed SEED]
"""

import argparse
import contextlib
import json
import os
import struct

MAGIC = b"FQGOLD1\n"

# (C, H, W, num_gaussians, std_range), as in the committed cases.
CASES = [
    (3, 32, 32, 20, (10, 15)),  # lightly's defaults on a small image
    (3, 31, 20, 8, (2, 5)),  # odd H
    (1, 24, 17, 6, (1.5, 4)),  # odd W, one channel
    (3, 64, 48, 5, (2, 6)),
    (3, 224, 224, 20, (10, 15)),  # lightly's defaults
]

LIGHTLY_FILE = "lightly/transforms/gaussian_mixture_masks_transform.py"
LIGHTLY_COMMIT = "e8d317fc"
PIPELINE = (
    "y = irfft2(gmm(rfft2(x)), s=(H, W)); gmm multiplies every channel of the rfft2 half-spectrum "
    "(U=H rows, V=W//2+1 columns) by mask[u][v] = prod_i (1 - exp(-((u-u0_i)^2/(2 sigma_u_i^2) + "
    "(v-v0_i)^2/(2 sigma_v_i^2)))); no wrap-around, DC not protected"
)
LAYOUT = "x and y: channel-major C*H*W row-major; mask: U*V row-major"


def pack(header, arrays):
    """Encodes one case: header is a dict of JSON values, arrays a list of (key, 1-D float64 numpy array).

    Layout: MAGIC, u32 little-endian header length, the UTF-8 JSON header (with "arrays": the
    absolute byte offset and element count of each array) padded with spaces to an 8-byte
    boundary, then each array as float64 little-endian, in order, back to back.
    """
    import numpy as np

    if "arrays" in header:
        raise ValueError('the field "arrays" is reserved for the index of the arrays')
    # Offsets are absolute, so they depend on the header's own length: move the start of the
    # data until the header fits in front of it.
    data_start = 16
    while True:
        spans, offset = {}, data_start
        for key, a in arrays:
            spans[key] = [offset, int(a.size)]
            offset += 8 * int(a.size)
        text = json.dumps(
            {**header, "arrays": spans}, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode("utf-8")
        needed = -(-(len(MAGIC) + 4 + len(text)) // 8) * 8
        if needed <= data_start:
            break
        data_start = needed
    header_length = data_start - len(MAGIC) - 4
    out = bytearray(MAGIC)
    out += struct.pack("<I", header_length)
    out += text + b" " * (header_length - len(text))
    for _, a in arrays:
        out += np.ascontiguousarray(a, dtype="<f8").tobytes()
    assert len(out) == offset
    return bytes(out)


@contextlib.contextmanager
def recording_draws(torch):
    """Wraps torch.randint and torch.rand; yields the list of (function name, returned tensor)."""
    calls = []
    real_randint, real_rand = torch.randint, torch.rand

    def randint(*args, **kwargs):
        t = real_randint(*args, **kwargs)
        calls.append(("randint", t.detach().clone()))
        return t

    def rand(*args, **kwargs):
        t = real_rand(*args, **kwargs)
        calls.append(("rand", t.detach().clone()))
        return t

    torch.randint, torch.rand = randint, rand
    try:
        yield calls
    finally:
        torch.randint, torch.rand = real_randint, real_rand


def read_draws(torch, calls, num_gaussians, std_range):
    """Turns the recorded calls into the draws {u0, v0, sigma_u, sigma_v}, in lightly's order."""
    centres = [c for name, t in calls if name == "randint" for c in t.reshape(-1).tolist()]
    uniforms = [t.reshape(-1) for name, t in calls if name == "rand"]
    if len(centres) != 2 * num_gaussians or len(uniforms) != num_gaussians or any(r.numel() != 2 for r in uniforms):
        raise SystemExit(
            f"expected {num_gaussians} x (randint, randint, rand(2)) from lightly, recorded "
            f"{[(name, tuple(t.shape)) for name, t in calls]}: this lightly draws differently; adapt read_draws"
        )
    lo, hi = std_range
    draws = []
    for i, r in enumerate(uniforms):
        sigma = r * (hi - lo) + lo  # float32, as torch computes it from a float32 uniform
        draws.append(
            {
                "u0": int(centres[2 * i]),
                "v0": int(centres[2 * i + 1]),
                "sigma_u": float(sigma[0].item()),
                "sigma_v": float(sigma[1].item()),
            }
        )
    return draws


def mask_from_draws(np, draws, H, V):
    """The README's mask in float64: prod_i (1 - exp(-(du^2 / (2 su^2) + dv^2 / (2 sv^2))))."""
    u = np.arange(H, dtype=np.float64)[:, None]
    v = np.arange(V, dtype=np.float64)[None, :]
    m = np.ones((H, V))
    for d in draws:
        e = (u - d["u0"]) ** 2 / (2 * d["sigma_u"] ** 2) + (v - d["v0"]) ** 2 / (2 * d["sigma_v"] ** 2)
        m *= 1 - np.exp(-e)
    return m


def make_case(torch, np, GaussianMixtureMask, index, seed, C, H, W, num_gaussians, std_range):
    name = f"c{C}_{H}x{W}_k{num_gaussians}"
    V = W // 2 + 1
    torch.manual_seed(seed + index)
    x = torch.rand((C, H, W), dtype=torch.float64)
    F = torch.fft.rfft2(x)
    probe = torch.cat([F, torch.ones((1, H, V), dtype=F.dtype)])
    transform = GaussianMixtureMask(num_gaussians=num_gaussians, std_range=std_range)
    with recording_draws(torch) as calls:
        out = transform(probe)
    if tuple(out.shape) != (C + 1, H, V) or not out.is_complex():
        raise SystemExit(f"{name}: lightly returned {tuple(out.shape)} {out.dtype}, not the masked spectrum")
    G = out[:C]
    if torch.any(out[C].imag != 0):
        raise SystemExit(f"{name}: lightly's mask is not real")
    mask = out[C].real.to(torch.float64)
    y = torch.fft.irfft2(G, s=(H, W))
    draws = read_draws(torch, calls, num_gaussians, std_range)

    m = mask.numpy()
    err = float(np.abs(mask_from_draws(np, draws, H, V) - m).max())
    if err > 1e-6:
        raise SystemExit(f"{name}: the recorded draws do not give lightly's mask (max error {err})")
    for c in range(C):  # lightly does not keep the DC bin: each channel's mean is scaled by mask[0][0]
        assert abs(float(y[c].mean()) - m[0, 0] * float(x[c].mean())) <= 1e-12

    header = {
        "name": name,
        "source": f"lightly GaussianMixtureMask ({LIGHTLY_FILE} at lightly commit {LIGHTLY_COMMIT}), "
        f"run with torch {torch.__version__} on CPU in float64",
        "pipeline": PIPELINE,
        "shape": [C, H, W],
        "num_gaussians": num_gaussians,
        "std_range": list(std_range),
        "gaussians": draws,
        "layout": LAYOUT,
    }
    arrays = [
        ("x", x.numpy().reshape(-1)),
        ("mask", m.reshape(-1)),
        ("y", y.detach().numpy().reshape(-1)),
    ]
    return name, pack(header, arrays)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(here, "lightly-gmm"), help="output folder")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first case; case i uses SEED + i")
    args = parser.parse_args()

    import numpy as np
    import torch
    from lightly.transforms.gaussian_mixture_masks_transform import GaussianMixtureMask

    os.makedirs(args.out, exist_ok=True)
    for index, (C, H, W, k, std_range) in enumerate(CASES):
        name, data = make_case(torch, np, GaussianMixtureMask, index, args.seed, C, H, W, k, std_range)
        with open(os.path.join(args.out, name + ".bin"), "wb") as f:
            f.write(data)
        print(f"{name}.bin: {len(data)} bytes")


if __name__ == "__main__":
    main()
