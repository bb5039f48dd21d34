#!/usr/bin/env bash
# The shared kernel suites on gpu.js headlessgl: builds gpu.js's optional `gl` package (headless-gl,
# WebGL 1 over ANGLE) from source, then runs the suites under Xvfb, whose GL is Mesa's llvmpipe
# (software). Debian/Ubuntu, as root. The build compiles ANGLE: about 10 minutes on 2 cores, which is
# why `npm ci --ignore-scripts` skips it and CI does not run this.
#
#   bash scripts/headlessgl-suite.sh            # build gl if needed, run the suites
#   MAKEMORE_SKIP_APT=1 bash scripts/...        # the Debian packages are already there
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${MAKEMORE_SKIP_APT:-}" ]; then
  apt-get update
  # headless-gl's build (X11 and GL headers, a compiler, python for gyp) and a virtual X server on Mesa
  apt-get install -y --no-install-recommends build-essential python3 pkg-config libx11-dev libxi-dev libxext-dev libglu1-mesa-dev libgl1-mesa-dri xvfb xauth
fi

# prebuild-install first tries to download a binary (no network here: it fails), then node-gyp builds it
if ! node -e "require('gl')(1, 1)" >/dev/null 2>&1 && ! xvfb-run -a node -e "if (!require('gl')(1, 1)) process.exit(1)" >/dev/null 2>&1; then
  time npm rebuild gl --foreground-scripts
fi

npm run build:wasm
# Xvfb gives headless-gl a display; the suites run every backend available, headlessgl among them
xvfb-run -a -s '-screen 0 1280x1024x24' npx vitest run \
  test/kernels-*.test.ts test/equivalence.test.ts test/conv-model-backends.test.ts test/training-backends.test.ts \
  --reporter=default --reporter=json --outputFile=.vitest-headlessgl-report.json
