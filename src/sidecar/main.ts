// The model sidecar: a plain Node process speaking JSON-RPC over stdio.
process.stderr.write('agent-vitals sidecar: not built yet\n');
process.exitCode = 1;
