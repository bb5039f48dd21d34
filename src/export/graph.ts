// A small builder of ONNX graphs: nodes with readable names (each value is named after the layer that
// makes it, as Netron shows them), initializers, typed inputs and outputs, and the model around them,
// encoded by protobufjs with onnx.proto's schema (onnx-proto.ts). No Node-only APIs: the page uses it.

import { AttributeType, DataType, modelProtoType } from './onnx-proto.ts';

/** ONNX's operator set and IR version the export targets (opset 17 is IR 8's). */
export const OPSET = 17;
export const IR_VERSION = 8;

/** An attribute: an int, a float, a list of ints or a string (ONNX's attribute types). */
export type Attr = { i: number } | { f: number } | { ints: number[] } | { s: string };

/** A dimension: a size, or a symbolic name (batch, length). */
export type Dim = number | string;

interface TensorMessage {
  name: string;
  dims: number[];
  data_type: number;
  raw_data?: Uint8Array;
  int64_data?: number[];
}

interface ValueInfo {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: ({ dim_value: number } | { dim_param: string })[] } } };
  doc_string?: string;
}

export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();

  constructor(readonly name: string) {}

  /** A name no value or node has yet: `base`, else `base_1`, `base_2`, … */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /** A float32 initializer (a copy of `data`, little-endian as ONNX's raw_data). */
  floats(name: string, data: Float32Array, dims: number[]): string {
    const bytes = new Uint8Array(data.length * 4);
    const view = new DataView(bytes.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, data_type: DataType.FLOAT, raw_data: bytes });
    return unique;
  }

  /** An int64 initializer (shapes, axes, indices, pads). */
  ints(name: string, values: number[], dims: number[] = [values.length]): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dims, data_type: DataType.INT64, int64_data: values });
    return unique;
  }

  /** One node `op` named `name` on `inputs` ('' skips an optional one) → its outputs' names. */
  node(op: string, name: string, inputs: string[], attrs: Record<string, Attr> = {}, outputs = 1): string[] {
    const nodeName = this.unique(name);
    const outs = Array.from({ length: outputs }, (_, k) => this.unique(outputs === 1 ? `${nodeName}_output` : `${nodeName}_output_${k}`));
    this.nodes.push({ op_type: op, name: nodeName, input: inputs, output: outs, attribute: Object.entries(attrs).map(([key, a]) => attribute(key, a)) });
    return outs;
  }

  /** One node with one output. */
  op(op: string, name: string, inputs: string[], attrs: Record<string, Attr> = {}): string {
    return this.node(op, name, inputs, attrs)[0];
  }

  /** A graph input. */
  input(name: string, elemType: number, dims: Dim[], doc?: string): string {
    this.names.add(name);
    this.inputs.push(valueInfo(name, elemType, dims, doc));
    return name;
  }

  /** `value` as the graph output `name` (an Identity renames it where needed). */
  output(name: string, value: string, elemType: number, dims: Dim[], doc?: string): void {
    if (value !== name) {
      this.names.add(name);
      this.nodes.push({ op_type: 'Identity', name: this.unique(`${name}/Identity`), input: [value], output: [name], attribute: [] });
    }
    this.outputs.push(valueInfo(name, elemType, dims, doc));
  }

  /** The model: this graph, opset 17, the metadata → ONNX protobuf bytes. */
  encode(meta: { producer: string; version?: string; doc: string; metadata: Record<string, string> }): Uint8Array {
    const type = modelProtoType();
    const model = {
      ir_version: IR_VERSION,
      opset_import: [{ domain: '', version: OPSET }],
      producer_name: meta.producer,
      ...(meta.version ? { producer_version: meta.version } : {}),
      doc_string: meta.doc,
      graph: { name: this.name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
      metadata_props: Object.entries(meta.metadata).map(([key, value]) => ({ key, value })),
    };
    return type.encode(type.fromObject(model)).finish();
  }
}

function attribute(name: string, a: Attr): object {
  if ('i' in a) return { name, type: AttributeType.INT, i: a.i };
  if ('f' in a) return { name, type: AttributeType.FLOAT, f: a.f };
  if ('ints' in a) return { name, type: AttributeType.INTS, ints: a.ints };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.s) };
}

function valueInfo(name: string, elemType: number, dims: Dim[], doc?: string): ValueInfo {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } }, ...(doc ? { doc_string: doc } : {}) };
}

export { DataType };
