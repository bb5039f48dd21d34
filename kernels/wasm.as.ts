// The WebAssembly SIMD backend's module: every kernel of the op families, one export each.
// Built by `npm run build:wasm` (scripts/build-wasm.mjs) into kernels/wasm-binary.generated.ts.

export { tap_sources, conv_forward, conv_backward_input, conv_backward_weight, conv_tap_sums } from './conv1d.as';
export { bn_partial_stats, bn_finish_stats, bn_forward, bn_backward_sums, bn_backward_dx } from './batchnorm.as';
export { tanh_forward, tanh_backward, relu_forward, relu_backward, add_or_multiply, zero_bytes, sgd_update, adamw_update_all } from './pointwise.as';
export { gate_forward, gate_backward } from './gate.as';
export { ln_forward, ln_backward_dx, ln_backward_params } from './layernorm.as';
export { ln_gate_forward, ln_gate_backward_dx } from './ln-gate.as';
export { embedding_forward, embedding_backward } from './embedding.as';
export { head_forward, cross_entropy, head_cross_entropy, head_backward_input, head_backward_weight } from './head.as';
export { transpose_blocks } from './matmul.as';
export { dropout_apply } from './dropout.as';
export { peak_mul_add } from './peak.as';
