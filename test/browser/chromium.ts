// How the browser tests start Chromium: Debian's own build (never a downloaded one), headless, with
// WebGL2 on SwiftShader (software GL: ANGLE over SwiftShader's Vulkan) and WebGPU on SwiftShader's
// adapter where this Chromium offers it. $MAKEMORE_CHROMIUM_ARGS replaces the GL flags (a machine
// with a GPU: bench/browser-gpu.sh).

/** Debian's `chromium` package, or $MAKEMORE_CHROMIUM. */
export const CHROMIUM_PATH = process.env.MAKEMORE_CHROMIUM ?? '/usr/bin/chromium';

/** Software GL: what a machine without a GPU (this one, CI) renders WebGL2 and WebGPU with. */
const SOFTWARE_GL = ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'];

export const CHROMIUM_ARGS = [
  // as root, on a machine whose network is closed: no sandbox, no background connections
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  ...(process.env.MAKEMORE_CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? SOFTWARE_GL),
];

/** The headers that make a page cross-origin isolated, which SharedArrayBuffer (the wasm backend) needs. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
