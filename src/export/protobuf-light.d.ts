// protobufjs's self-contained light build (reflection, no .proto parser): the package's own browser
// bundle, which unlike `protobufjs/light.js` requires no Node module (`fs`), so the page bundles it.
declare module 'protobufjs/dist/light/protobuf.js' {
  import protobuf from 'protobufjs/light.js';
  export default protobuf;
}
