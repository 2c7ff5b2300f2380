// The engine's public surface: residual probing and steered generation on ONNX decoders.
export { ResidualProbe, type ProbeResult } from './residual-probe';
export { KvCache } from './kv-cache';
export type { EngineLoadOptions } from './session';
export type { ModelShape, KvDtype } from './graph/model-shape';
export { UnsupportedArchitectureError, ModelRequestError } from './graph/errors';
export { meanRowNorm } from './residual-norm';
export { deriveGraph, type DerivedGraph, type GraphKind } from './graph/graph-cache';
export { SteeredModel, type Steering, type SteeredStep, type GenerateOptions } from './steered-model';
export { ExecutionProviderUnavailableError, providerProblem } from './execution-provider';
