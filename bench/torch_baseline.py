"""PyTorch baselines for the work bench/webgpu.ts measures, on CUDA, and the summary of a run.

3x224x224 float32 images resident on the GPU, k = 20 Gaussians, sigma in [10, 15], c = 1:
  copy                  a device-to-device copy of the batch (the memory roofline)
  rfft2+irfft2          cuFFT alone, no mask
  gmm batched           every Gaussian of every sample as tensors (b x K x H x V), one mask per sample
  gmm batched, loop k   the same mask built Gaussian by Gaussian over the batch (b x H x V at a time)
  gmm loop              one image at a time, the mask built Gaussian by Gaussian (lightly's style)
Each line: {"backend": "torch", "op", "impl"?, "batch", "img_per_s", ...}, the median of 3 windows.

  python3 bench/torch_baseline.py [--batches 64,256,512] [--min-s 0.5] [--round N] [--device cuda|cpu]
  python3 bench/torch_baseline.py --summarize FILE...   # medians over rounds of JSON lines (no torch needed)
"""
import json
import statistics
import sys
import time

H, W, C, K = 224, 224, 3, 20
V = W // 2 + 1


def arg(name, default):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def bench():
    import torch

    dev = torch.device(arg("--device", "cuda"))
    cuda = dev.type == "cuda"
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    name = torch.cuda.get_device_name() if cuda else "cpu"
    if not cuda:
        torch.set_num_threads(2)
    min_s = float(arg("--min-s", "0.5"))
    batches = [int(b) for b in arg("--batches", "64,256,512").split(",")]
    round_ = arg("--round", None)

    def rate(fn, batch):
        def window(calls):
            sync()
            t0 = time.perf_counter()
            for _ in range(calls):
                fn()
            sync()
            return time.perf_counter() - t0

        window(2)
        calls, dt = 2, window(2)
        while dt < min_s / 3 and calls < 1 << 14:
            calls = min(1 << 14, max(2 * calls, int(calls * min_s / 3 / max(dt, 1e-6) * 1.2)))
            dt = window(calls)
        return statistics.median(calls * batch / window(calls) for _ in range(3))

    def draws(b, gen):
        u0 = torch.randint(0, H, (b, K), device=dev, generator=gen).float()
        v0 = torch.randint(0, V, (b, K), device=dev, generator=gen).float()
        su = 10 + 5 * torch.rand((b, K), device=dev, generator=gen)
        sv = 10 + 5 * torch.rand((b, K), device=dev, generator=gen)
        return u0, v0, su, sv

    u_ax = torch.arange(H, device=dev).float()
    v_ax = torch.arange(V, device=dev).float()

    def factors(b, gen):
        u0, v0, su, sv = draws(b, gen)
        rows = torch.exp(-((u_ax[None, None] - u0[..., None]) ** 2) / (2 * su[..., None] ** 2))  # b,K,H
        cols = torch.exp(-((v_ax[None, None] - v0[..., None]) ** 2) / (2 * sv[..., None] ** 2))  # b,K,V
        return rows, cols

    def gmm_batched(x, gen):
        rows, cols = factors(x.shape[0], gen)
        mask = torch.clamp(1 - rows[..., :, None] * cols[..., None, :], min=0).prod(dim=1)  # b,H,V
        return torch.fft.irfft2(torch.fft.rfft2(x) * mask[:, None], s=(H, W))

    def gmm_batched_loop_k(x, gen):
        rows, cols = factors(x.shape[0], gen)
        mask = torch.ones(x.shape[0], H, V, device=dev)
        for i in range(K):
            mask *= torch.clamp(1 - rows[:, i, :, None] * cols[:, i, None, :], min=0)
        return torch.fft.irfft2(torch.fft.rfft2(x) * mask[:, None], s=(H, W))

    def gmm_loop(x, gen):
        u = u_ax[:, None]
        v = v_ax[None, :]
        out = torch.empty_like(x)
        for n in range(x.shape[0]):
            u0, v0, su, sv = (t[0] for t in draws(1, gen))
            mask = torch.ones(H, V, device=dev)
            for i in range(K):
                g = torch.exp(-((u - u0[i]) ** 2 / (2 * su[i] ** 2) + (v - v0[i]) ** 2 / (2 * sv[i] ** 2)))
                mask = mask * (1 - g)
            out[n] = torch.fft.irfft2(torch.fft.rfft2(x[n]) * mask, s=(H, W))
        return out

    def emit(op, batch, img_per_s, **extra):
        line = {"backend": "torch", "device": name, "torch": torch.__version__, "op": op,
                "channels": C, "height": H, "width": W, "batch": batch, "img_per_s": round(img_per_s, 1)}
        if round_ is not None:
            line["round"] = int(round_)
        line.update(extra)
        print(json.dumps(line), flush=True)

    gen = torch.Generator(device=dev)
    gen.manual_seed(1)
    with torch.no_grad():
        for batch in batches:
            x = torch.rand((batch, C, H, W), device=dev, generator=gen)
            y = torch.empty_like(x)
            copy = rate(lambda: y.copy_(x), batch)
            emit("copy", batch, copy, gb_per_s=round(2 * C * H * W * 4 * copy / 1e9, 1))
            emit("rfft2+irfft2", batch, rate(lambda: torch.fft.irfft2(torch.fft.rfft2(x), s=(H, W)), batch),
                 impl="cuFFT" if cuda else "pocketfft")
            emit("gmm", batch, rate(lambda: gmm_batched(x, gen), batch), impl="batched")
            emit("gmm", batch, rate(lambda: gmm_batched_loop_k(x, gen), batch), impl="batched, loop k")
            del x, y
            torch.cuda.empty_cache()
        x = torch.rand((16, C, H, W), device=dev, generator=gen)
        emit("gmm", 16, rate(lambda: gmm_loop(x, gen), 16), impl="per image, lightly's style")


def summarize(paths):
    """Medians over rounds of every measurement kind, then each WebGPU GMM line against PyTorch's best GMM."""
    groups = {}
    for path in paths:
        with open(path) as f:
            for text in f:
                text = text.strip()
                if not text.startswith("{"):
                    continue
                line = json.loads(text)
                if "img_per_s" not in line and "gb_per_s" not in line:
                    continue
                key = tuple((k, line.get(k)) for k in ("backend", "op", "api", "impl", "input", "height", "batch"))
                groups.setdefault(key, []).append(line)
    medians = {}
    for key, lines in sorted(groups.items(), key=lambda kv: str(kv[0])):
        line = {k: v for k, v in key if v is not None}
        line.update(summary=True, rounds=len(lines))
        for field in ("img_per_s", "gb_per_s", "roofline_fraction"):
            values = [x[field] for x in lines if x.get(field) is not None]
            if values:
                line[field] = round(statistics.median(values), 3)
                line[field + "_spread"] = [min(values), max(values)]
        if "img_per_s" in line:
            medians[key] = line
        print(json.dumps(line))
    for key, line in medians.items():
        d = dict(key)
        if d["backend"] != "webgpu" or d["op"] != "gmm":
            continue
        def torch_rates(op):
            return [m["img_per_s"] for k, m in medians.items() if dict(k)["backend"] == "torch" and dict(k)["op"] == op
                    and dict(k)["batch"] == d["batch"] and dict(k)["height"] == d["height"]]

        torch_gmm, cufft = torch_rates("gmm"), torch_rates("rfft2+irfft2")
        if torch_gmm:
            print(json.dumps({"compare": True, "api": d["api"], "input": d["input"], "batch": d["batch"],
                              "webgpu_img_per_s": line["img_per_s"], "torch_gmm_best_img_per_s": max(torch_gmm),
                              "speedup_vs_torch_gmm": round(line["img_per_s"] / max(torch_gmm), 2),
                              "torch_cufft_only_img_per_s": max(cufft) if cufft else None}))


if __name__ == "__main__":
    if "--summarize" in sys.argv:
        summarize(sys.argv[sys.argv.index("--summarize") + 1:])
    else:
        bench()
