"""PyTorch baselines for the work bench/webgpu.ts measures, on CUDA.

3x224x224 float32 images, k = 20 Gaussians, sigma in [10, 15], c = 1:
  copy          a device-to-device copy of the batch (the memory roofline)
  rfft2+irfft2  cuFFT alone, no mask
  gmm batched   every Gaussian of every sample as tensors, one mask per sample
  gmm loop      one image at a time, the mask built Gaussian by Gaussian
Prints one JSON line per measurement: {"backend": "torch", "op", "batch", "img_per_s"}.
"""
import json
import time

import torch

H, W, C, K = 224, 224, 3, 20
V = W // 2 + 1
dev = torch.device("cuda")


def rate(fn, batch, min_s=1.0):
    fn()
    torch.cuda.synchronize()
    calls, t0 = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        if calls % 4 == 0 or calls < 4:
            torch.cuda.synchronize()
            dt = time.perf_counter() - t0
            if dt >= min_s:
                return calls * batch / dt


def draws(b, gen):
    u0 = torch.randint(0, H, (b, K), device=dev, generator=gen).float()
    v0 = torch.randint(0, V, (b, K), device=dev, generator=gen).float()
    su = 10 + 5 * torch.rand((b, K), device=dev, generator=gen)
    sv = 10 + 5 * torch.rand((b, K), device=dev, generator=gen)
    return u0, v0, su, sv


def gmm_batched(x, gen):
    b = x.shape[0]
    u0, v0, su, sv = draws(b, gen)
    u = torch.arange(H, device=dev).float()
    v = torch.arange(V, device=dev).float()
    rows = torch.exp(-((u[None, None] - u0[..., None]) ** 2) / (2 * su[..., None] ** 2))  # b,K,H
    cols = torch.exp(-((v[None, None] - v0[..., None]) ** 2) / (2 * sv[..., None] ** 2))  # b,K,V
    mask = torch.clamp(1 - rows[..., :, None] * cols[..., None, :], min=0).prod(dim=1)  # b,H,V
    return torch.fft.irfft2(torch.fft.rfft2(x) * mask[:, None], s=(H, W))


def gmm_loop(x, gen):
    u = torch.arange(H, device=dev).float()[:, None]
    v = torch.arange(V, device=dev).float()[None, :]
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
    line = {"backend": "torch", "device": torch.cuda.get_device_name(), "op": op, "channels": C,
            "height": H, "width": W, "batch": batch, "img_per_s": round(img_per_s, 1)}
    line.update(extra)
    print(json.dumps(line), flush=True)


gen = torch.Generator(device=dev)
gen.manual_seed(1)
for batch in (256, 1024):
    x = torch.rand((batch, C, H, W), device=dev, generator=gen)
    y = torch.empty_like(x)
    emit("copy", batch, rate(lambda: y.copy_(x), batch),
         gb_per_s=round(2 * x.numel() * 4 * rate(lambda: y.copy_(x), 1) / 1e9, 1))
    emit("rfft2+irfft2", batch, rate(lambda: torch.fft.irfft2(torch.fft.rfft2(x), s=(H, W)), batch))
    emit("gmm batched", batch, rate(lambda: gmm_batched(x, gen), batch), impl="eager")
x = torch.rand((16, C, H, W), device=dev, generator=gen)
emit("gmm loop", 16, rate(lambda: gmm_loop(x, gen), 16), impl="per image, lightly's style")
