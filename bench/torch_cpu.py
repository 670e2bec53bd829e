"""The peer of bench/compare.ts: freqaug's GMM as a PyTorch user writes it for a
batch on the CPU — rfft2, one mask per sample built from separable factors of
k Gaussians, irfft2 — driven over stdin/stdout so the two run interleaved.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/torch_cpu.py THREADS

One JSON command per line in, one JSON answer per line out:
  {"cmd": "hello"}                     -> {"torch_version", "threads"}
  {"cmd": "load", "batch", "channels", "height", "width", "k", "sigma", "c",
   "intensity", "keep_dc"}             followed by batch*channels*height*width
                                          float32 (little-endian, NCHW) bytes -> {}
  {"cmd": "run", "seed", "calls"}      -> {"seconds"}: `calls` batches, draws included
  {"cmd": "stats", "seed"}             -> {"shape", "mean", "image_std"} of one output
  {"cmd": "replay", "draws"}           -> {"shape", "mean", "image_std", "max_abs_diff"}
                                          with given draws [[[u0, v0, su, sv, a] * k] * batch],
                                          against the output that follows as float32 bytes
An answer {"error": "..."} reports a failure; end of input ends the process.
"""

import json
import sys
import time

out = sys.stdout


def answer(obj):
    out.write(json.dumps(obj) + "\n")
    out.flush()


try:
    import torch
except Exception as e:  # noqa: BLE001 - any failure to import is reported as a skip
    answer({"error": f"torch is not importable: {e}"})
    sys.exit(0)

torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
state = {}
gen = torch.Generator()


def read_floats(n):
    raw = sys.stdin.buffer.read(4 * n)
    if len(raw) != 4 * n:
        raise EOFError("input ended inside a batch")
    return torch.frombuffer(bytearray(raw), dtype=torch.float32)


def draw(b):
    """The draws of freqaug's gmm: integer centres, uniform sigmas and intensities."""
    k, (s0, s1), (a0, a1) = state["k"], state["sigma"], state["intensity"]
    u0 = torch.randint(0, state["H"], (b, k), generator=gen).float()
    v0 = torch.randint(0, state["V"], (b, k), generator=gen).float()
    su = s0 + (s1 - s0) * torch.rand((b, k), generator=gen)
    sv = s0 + (s1 - s0) * torch.rand((b, k), generator=gen)
    a = a0 + (a1 - a0) * torch.rand((b, k), generator=gen)
    return u0, v0, su, sv, a


def gmm(x, u0, v0, su, sv, a):
    H, W, V = state["H"], state["W"], state["V"]
    u = torch.arange(H, dtype=torch.float32)
    v = torch.arange(V, dtype=torch.float32)
    rows = torch.exp(-((u - u0[..., None]) ** 2) / (2 * su[..., None] ** 2))  # B,k,H
    cols = (a / state["c"])[..., None] * torch.exp(-((v - v0[..., None]) ** 2) / (2 * sv[..., None] ** 2))  # B,k,V
    mask = torch.clamp(1 - rows[..., :, None] * cols[..., None, :], min=0).prod(dim=1)  # B,H,V
    if state["keep_dc"]:
        mask[:, 0, 0] = 1
    return torch.fft.irfft2(torch.fft.rfft2(x) * mask[:, None], s=(H, W))


def summary(y):
    return {"shape": list(y.shape), "mean": y.mean().item(), "image_std": y.flatten(1).std(1).tolist()}


def handle(cmd):
    name = cmd["cmd"]
    if name == "hello":
        return {"torch_version": torch.__version__, "threads": torch.get_num_threads()}
    if name == "load":
        b, ch, H, W = cmd["batch"], cmd["channels"], cmd["height"], cmd["width"]
        state.clear()
        x = read_floats(b * ch * H * W).reshape(b, ch, H, W)
        state.update(x=x, H=H, W=W, V=W // 2 + 1, k=cmd["k"], sigma=cmd["sigma"], c=cmd["c"],
                     intensity=cmd["intensity"], keep_dc=cmd["keep_dc"])
        return {}
    x = state["x"]
    if name == "run":
        gen.manual_seed(cmd["seed"])
        t0 = time.perf_counter()
        for _ in range(cmd["calls"]):
            gmm(x, *draw(x.shape[0]))
        return {"seconds": time.perf_counter() - t0}
    if name == "stats":
        gen.manual_seed(cmd["seed"])
        return summary(gmm(x, *draw(x.shape[0])))
    if name == "replay":
        d = torch.tensor(cmd["draws"], dtype=torch.float32)  # B,k,5
        y = gmm(x, *d.unbind(-1))
        other = read_floats(y.numel()).reshape(y.shape)
        return {**summary(y), "max_abs_diff": (y - other).abs().max().item()}
    raise ValueError(f"unknown command {name!r}")


for line in sys.stdin.buffer:
    try:
        answer(handle(json.loads(line)))
    except Exception as e:  # noqa: BLE001 - every failure goes back to the driver as an answer
        answer({"error": f"{type(e).__name__}: {e}"})
