// Module resolution hooks (registered with node --import): any import of a Node built-in module by
// a file of the installed makemore-wavenet package fails, naming the file. Loading the package's
// browser entry under them shows it needs no Node-only module.
import { isBuiltin } from 'node:module';

export async function resolve(specifier, context, nextResolve) {
  if (isBuiltin(specifier) && context.parentURL?.includes('/node_modules/makemore-wavenet/')) {
    throw new Error(`${context.parentURL} imports the Node built-in module ${specifier}`);
  }
  return nextResolve(specifier, context);
}
