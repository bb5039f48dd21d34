// The part of ONNX's schema (onnx/onnx.proto, MIT, © ONNX Project Contributors) that the export
// writes, as a protobufjs reflection descriptor: the field numbers and types are onnx.proto's, and
// protobufjs encodes the messages. Only the messages and fields the export uses are listed; a
// reader of the full schema reads them the same (protobuf skips nothing it knows, and we write
// nothing it does not).

import protobuf from 'protobufjs/dist/light/protobuf.js';

const repeated = 'repeated';
const packed = { packed: true };

const DESCRIPTOR = {
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'AttributeType', id: 20 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: repeated, type: 'float', id: 7 },
            ints: { rule: repeated, type: 'int64', id: 8 },
          },
          nested: {
            AttributeType: { values: { UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8, TENSORS: 9, GRAPHS: 10 } },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
            doc_string: { type: 'string', id: 3 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: repeated, type: 'string', id: 1 },
            output: { rule: repeated, type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: repeated, type: 'AttributeProto', id: 5 },
            doc_string: { type: 'string', id: 6 },
          },
        },
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            opset_import: { rule: repeated, type: 'OperatorSetIdProto', id: 8 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            model_version: { type: 'int64', id: 5 },
            doc_string: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            metadata_props: { rule: repeated, type: 'StringStringEntryProto', id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: 'string', id: 1 },
            value: { type: 'string', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: repeated, type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: repeated, type: 'TensorProto', id: 5 },
            doc_string: { type: 'string', id: 10 },
            input: { rule: repeated, type: 'ValueInfoProto', id: 11 },
            output: { rule: repeated, type: 'ValueInfoProto', id: 12 },
            value_info: { rule: repeated, type: 'ValueInfoProto', id: 13 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: repeated, type: 'int64', id: 1 },
            data_type: { type: 'int32', id: 2 },
            float_data: { rule: repeated, type: 'float', id: 4, options: packed },
            int64_data: { rule: repeated, type: 'int64', id: 7, options: packed },
            name: { type: 'string', id: 8 },
            doc_string: { type: 'string', id: 12 },
            raw_data: { type: 'bytes', id: 9 },
          },
          nested: {
            DataType: { values: { UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9 } },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: repeated, type: 'Dimension', id: 1 } },
          nested: {
            Dimension: {
              oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
              fields: {
                dim_value: { type: 'int64', id: 1 },
                dim_param: { type: 'string', id: 2 },
                denotation: { type: 'string', id: 3 },
              },
            },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: {
            tensor_type: { type: 'Tensor', id: 1 },
            denotation: { type: 'string', id: 6 },
          },
          nested: {
            Tensor: {
              fields: {
                elem_type: { type: 'int32', id: 1 },
                shape: { type: 'TensorShapeProto', id: 2 },
              },
            },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
      },
    },
  },
};

/** What the export and its tests use of a protobufjs message type. */
export interface MessageType {
  fromObject(object: Record<string, unknown>): object;
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
  toObject(message: object, options?: Record<string, unknown>): Record<string, unknown>;
}

let type: MessageType | null = null;

/** onnx.ModelProto, from the descriptor above (built once). */
export function modelProtoType(): MessageType {
  type ??= protobuf.Root.fromJSON(DESCRIPTOR).lookupType('onnx.ModelProto') as MessageType;
  return type;
}

/** onnx.TensorProto.DataType values the export writes. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** onnx.AttributeProto.AttributeType values the export writes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;
