#!/usr/bin/env bash
# On a machine with a GPU (the project's lent device; not run yet: no device was lent to issue 11).
# One short run, ~5 minutes: the browser kernel suite and a training benchmark in Chromium on the
# GPU (WebGL2 over ANGLE/Vulkan; WebGPU if Chromium exposes it), the same benchmark's WebAssembly
# rows on this machine's CPU beside it, and gpu.js headlessgl if `gl` builds here.
# Needs: node_modules (npm ci --ignore-scripts) and Debian's chromium on the machine; writes its
# reports to $OUT (default out/gpu).
#
#   bash bench/browser-gpu.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-out/gpu}"
mkdir -p "$OUT"
{
  nvidia-smi -L || echo 'nvidia-smi: none'
  chromium --version
  nproc
} 2>&1 | tee "$OUT/machine.txt"

# Chromium on the GPU: headless, Vulkan under ANGLE, the GPU blocklist ignored, WebGPU on
export MAKEMORE_CHROMIUM_ARGS='--ignore-gpu-blocklist --enable-gpu --use-angle=vulkan --enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan --enable-unsafe-webgpu'
npm run build:wasm >/dev/null

# 1. the shared kernel suites in a page on the GPU's WebGL2, every gpu.js kernel on WebGPU (~1 min)
timeout 300 npx vitest run --config test/browser/vitest.config.ts --project chromium \
  --reporter=default --reporter=json --outputFile="$OUT/browser-report.json" 2>&1 | tail -15 | tee "$OUT/browser-suite.txt"
node scripts/kernel-errors.mjs "$OUT/browser-report.json" > "$OUT/kernel-errors.md"

# 2. training in the page: targets/s per backend, the lecture's model, 64 words a step (~2 min)
timeout 600 npx tsx bench/browser-training.ts --steps 200 --batch 64 --backends webgl2,wasm --json 2>&1 | tee "$OUT/browser-training.txt"

# 3. gpu.js headlessgl, if `gl` builds here (its GL is Mesa's under Xvfb, not the GPU's: say so)
MAKEMORE_SKIP_APT=1 timeout 900 bash scripts/headlessgl-suite.sh > "$OUT/headlessgl.txt" 2>&1 \
  && echo 'headlessgl: suite ran (see headlessgl.txt)' || echo "headlessgl: did not run or failed (exit $?; see headlessgl.txt)"
tail -5 "$OUT/headlessgl.txt"
