// The guard hook's own bundle (dist/hook.js): `node hook.js <agent>` runs only the hook, so an
// agent's every tool call pays for loading the classifier and not for the rest of the CLI. The
// TypeScript compiler (for JS/TS test files) loads through a code cache: it is most of a cold start.
import { useCodeCache } from '../guard/compile-cache';
import { hookCommand } from './hook';

useCodeCache((filename) => /[\\/]node_modules[\\/]typescript[\\/]lib[\\/]typescript\.js$/.test(filename));

void hookCommand.run({}, process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
