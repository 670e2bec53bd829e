#!/usr/bin/env bash
# The GPU benchmark on a machine with a GPU but no network, in one script.
#
#   bash bench/device.sh prepare   # here, with network: fills .gl/ and .device/ (ignored by git)
#   bash bench/device.sh run       # there, from a copy of the checkout that includes .gl/ and .device/
#   bash bench/device.sh smoke     # anywhere with Deno: the bundled WebGPU part at 3x32x32, short windows
#
# prepare: .gl/ gets Debian's Vulkan and EGL loader packages (amd64), and
#   .device/ gets this machine's Deno compressed with xz (~30 MB) and
#   bench/webgpu.ts bundled with its npm dependencies (webgpu.js), so nothing
#   needs fetching there.
# run (about 3 minutes; each part under its own timeout, 130 s for the first
# WebGPU round, 80 s for the others, 70 s for each PyTorch round: 9 minutes
# at most with the setup, for the default 3 rounds):
#   1. installs the loaders if the machine lacks libvulkan, decompresses Deno;
#   2. prints the GPU, Deno, and the WebGPU adapter with its limits;
#   3. BENCH_ROUNDS (default 3) rounds, interleaved: the WebGPU lines
#      (bench/webgpu.ts: the first round checks the GPU against the CPU
#      backend at 224², 97x89, 223x227, 32², 1024²; every round a copy
#      kernel's bandwidth, then GMM at 3x224x224 from GpuBatches of a device
#      of the benchmark's own, from a batch left on the device, and from host
#      batches, at batches 64, 256, 512), then PyTorch's (bench/torch_baseline.py:
#      a copy, cuFFT's rfft2 + irfft2, batched GMM two ways, same batches);
#   4. a summary: the median of each line over the rounds, and each WebGPU
#      GMM line against PyTorch's fastest GMM of the same batch.
# Every line is one JSON object, on stdout and in $BENCH_OUT/bench.jsonl
# (default out/device). BENCH_NO_LOADERS=1 skips the loaders (to try the
# script on a machine that should keep its own); BENCH_WEBGPU_ARGS adds
# arguments to the WebGPU part (--smoke tries the whole run in seconds).
set -euo pipefail
cd "$(dirname "$0")/.."

prepare() {
  for d in /.gl/ /.device/; do grep -qxF "$d" .git/info/exclude 2>/dev/null || echo "$d" >>.git/info/exclude; done
  local lists
  lists=$(mktemp -d)
  mkdir -p .gl .device "$lists/partial"
  local o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=$lists"
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null
  # shellcheck disable=SC2086
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  rm -rf "$lists"
  local deno
  deno=$(readlink -f "$(command -v deno)")
  xz -T0 -6 -c "$deno" >.device/deno.xz
  deno bundle --platform deno bench/webgpu.ts -o .device/webgpu.js
  du -sh .gl .device
}

# The Deno binary: .device/deno.xz decompressed (there), or the one on the PATH (here).
deno_bin() {
  if [ -f .device/deno.xz ]; then
    local bin
    bin=$(mktemp -d)/deno
    xz -dc .device/deno.xz >"$bin"
    chmod +x "$bin"
    echo "$bin"
  else
    command -v deno
  fi
}

# The WebGPU part: the bundle when prepared, else the source.
webgpu_part() {
  if [ -f .device/webgpu.js ]; then echo .device/webgpu.js; else echo bench/webgpu.ts; fi
}

run() {
  local out=${BENCH_OUT:-out/device} rounds=${BENCH_ROUNDS:-3}
  mkdir -p "$out"
  : >"$out/bench.jsonl"
  if [ -z "${BENCH_NO_LOADERS:-}" ] && ! ldconfig -p | grep -q 'libvulkan.so.1'; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  fi
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then
      export VK_DRIVER_FILES=$icd
      break
    fi
  done
  local deno
  deno=$(deno_bin)
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader || true
  "$deno" --version | head -1
  local torch=0
  if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then torch=1; fi
  for r in $(seq 1 "$rounds"); do
    # The first round also checks results against the CPU backend.
    local check=--no-check limit=80
    if [ "$r" = 1 ]; then check= limit=130; fi
    # shellcheck disable=SC2086
    timeout "$limit" "$deno" run -A "$(webgpu_part)" --quick --round "$r" $check ${BENCH_WEBGPU_ARGS:-} | tee -a "$out/bench.jsonl" ||
      echo "{\"backend\": \"webgpu\", \"round\": $r, \"failed\": \"exit $?\"}" | tee -a "$out/bench.jsonl"
    if [ "$torch" = 1 ]; then
      PYTHONUNBUFFERED=1 timeout 70 python3 bench/torch_baseline.py --round "$r" --min-s 0.5 |
        tee -a "$out/bench.jsonl" ||
        echo "{\"backend\": \"torch\", \"round\": $r, \"failed\": \"exit $?\"}" | tee -a "$out/bench.jsonl"
    else
      echo "{\"backend\": \"torch\", \"round\": $r, \"skipped\": \"no PyTorch with CUDA\"}" | tee -a "$out/bench.jsonl"
    fi
  done
  python3 bench/torch_baseline.py --summarize "$out/bench.jsonl" | tee "$out/summary.jsonl"
}

smoke() {
  local deno
  deno=$(deno_bin)
  "$deno" run -A "$(webgpu_part)" --smoke --round 1
}

case "${1:-}" in
prepare) prepare ;;
run) run ;;
smoke) smoke ;;
*)
  echo "usage: bash bench/device.sh prepare|run|smoke" >&2
  exit 2
  ;;
esac
