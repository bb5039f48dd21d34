// A file's text imported through Vite (`import text from './file.txt?raw'`): the tests and the demo page.
declare module '*?raw' {
  const text: string;
  export default text;
}
