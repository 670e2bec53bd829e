#!/usr/bin/env bash
# The GPU benchmark on a machine with a GPU but no network, in one script.
#
#   bash bench/device.sh prepare   # here, with network: fills .gl/ and .device/ (ignored by git)
#   bash bench/device.sh run       # there, from a copy of the checkout that includes .gl/ and .device/
#
# prepare: .gl/ gets Debian's Vulkan and EGL loader packages (amd64), and
#   .device/ gets this machine's Deno compressed with xz (~30 MB) and the
#   benchmark bundled with its npm dependencies (bench.js, plus worker.ts for
#   the CPU backend's workers), so nothing needs fetching there.
# run: installs the loaders if the machine lacks libvulkan, decompresses Deno,
#   prints the GPU and the WebGPU adapter, runs the benchmark (every WebGPU
#   batch size, the CPU backend's lines beside them) and, when PyTorch with
#   CUDA is there, PyTorch's baselines (bench/torch_baseline.py). JSON lines
#   go to stdout and to $BENCH_OUT (default out/device). BENCH_NO_LOADERS=1
#   skips the loaders (to try the script on a machine that should keep its own).
set -euo pipefail
cd "$(dirname "$0")/.."

prepare() {
  for d in /.gl/ /.device/; do grep -qxF "$d" .git/info/exclude 2>/dev/null || echo "$d" >>.git/info/exclude; done
  mkdir -p .gl .device /tmp/freqaug-apt/partial
  local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/freqaug-apt'
  # shellcheck disable=SC2086
  apt-get $o update >/dev/null
  # shellcheck disable=SC2086
  (cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
  local deno
  deno=$(readlink -f "$(command -v deno)")
  xz -T0 -6 -c "$deno" >.device/deno.xz
  deno bundle --platform deno bench/bench.ts -o .device/bench.js
  deno bundle --platform deno src/cpu/worker.ts -o .device/worker.ts
  du -sh .gl .device
}

run() {
  local out=${BENCH_OUT:-out/device}
  mkdir -p "$out"
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
  local deno=/tmp/freqaug-deno
  xz -dc .device/deno.xz >"$deno"
  chmod +x "$deno"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader || true
  "$deno" --version | head -1
  "$deno" eval 'const a = await navigator.gpu?.requestAdapter(); const i = a?.info; console.log(JSON.stringify({ adapter: i ? { vendor: i.vendor, architecture: i.architecture, description: i.description, fallback: i.isFallbackAdapter } : null, storage: a?.limits.maxComputeWorkgroupStorageSize, binding: a?.limits.maxStorageBufferBindingSize }))'
  timeout "${BENCH_TIMEOUT:-420}" "$deno" run -A .device/bench.js --all --no-fft | tee "$out/bench.jsonl"
  if python3 -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
    timeout 150 python3 bench/torch_baseline.py | tee "$out/torch.jsonl"
  fi
}

case "${1:-}" in
prepare) prepare ;;
run) run ;;
*)
  echo "usage: bash bench/device.sh prepare|run" >&2
  exit 2
  ;;
esac
