// The model sidecar: a plain Node process speaking JSON-RPC over stdio. Forked by the extension
// (dist/sidecar.js) and run by `agent-vitals serve`.
import { runSidecarOnStdio } from './stdio';

runSidecarOnStdio();
