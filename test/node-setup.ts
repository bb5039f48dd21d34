// Every Node test file: the wasm kernels' relaxed-SIMD build may run (Node 20 has it behind a V8
// flag, which the CLI sets the same way), so the shared suites run on it too (test-backends.ts).
import { enableRelaxedSimd } from '../src/engine/node-relaxed-simd.ts';

enableRelaxedSimd();
