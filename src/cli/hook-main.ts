// The guard hook's own bundle (dist/hook.js): `node hook.js <agent>` runs only the hook, so an
// agent's every tool call pays for loading the classifier and not for the rest of the CLI.
import { hookCommand } from './hook';

void hookCommand.run({}, process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
