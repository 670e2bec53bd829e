"""Writes tests/golden/resize/cases.json: torchvision's antialiased bilinear resize
(torchvision.transforms.functional.resize(x, size, InterpolationMode.BILINEAR, antialias=True) on a float32 tensor,
torchvision 0.14 / torch 1.13, CPU), read by tests/io_batch_test.ts. Each case: the input (C x H x W, values in
[0, 1], seeded), the size asked, and torchvision's output, both flattened channel by channel, row by row.

Run from tests/golden: python3 make_resize_golden.py
"""
import json

import torch
import torchvision
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

torch.manual_seed(20261128)
CASES = [
    ((3, 11, 17), (5, 7)),  # down, both axes
    ((1, 9, 6), (20, 13)),  # up, both axes
    ((3, 16, 16), (7, 23)),  # down rows, up columns
    ((2, 30, 8), (9, 8)),  # down rows only, non-integer factor
    ((1, 24, 21), (6, 7)),  # down by 4 and 3: wide triangles
]
out = {"source": f"torchvision {torchvision.__version__}, torch {torch.__version__}", "cases": []}
for shape, size in CASES:
    # Inputs rounded to 9 digits, so the JSON holds exactly the float32 values resized.
    x = torch.tensor([[[float("%.9g" % v) for v in row] for row in ch] for ch in torch.rand(shape).tolist()])
    y = F.resize(x, list(size), interpolation=InterpolationMode.BILINEAR, antialias=True)
    assert tuple(y.shape) == (shape[0],) + size
    out["cases"].append({"shape": list(shape), "size": list(size), "x": [float("%.9g" % v) for v in x.flatten()],
                         "y": [float("%.9g" % v) for v in y.flatten()]})
json.dump(out, open("resize/cases.json", "w"))
print(len(CASES), "cases", out["source"])
