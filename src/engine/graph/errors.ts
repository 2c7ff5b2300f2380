// Errors the graph surgery raises for models it cannot rewrite.

/** The graph lacks a structure the surgery relies on (e.g. no residual stream was found). */
export class UnsupportedArchitectureError extends Error {
  constructor(
    readonly modelPath: string,
    readonly missing: string,
  ) {
    super(
      `Unsupported model graph ${modelPath}: ${missing}. Agent Vitals needs a decoder-only transformer export (optimum-style, onnxruntime-fused, or model-builder style with GroupQueryAttention).`,
    );
    this.name = 'UnsupportedArchitectureError';
  }
}

/** The file is not a readable ONNX model (damaged, truncated, or something else by that name). */
export class ModelFileError extends Error {
  constructor(
    readonly modelPath: string,
    problem: string,
  ) {
    super(`${modelPath} ${problem}. Re-download the model or choose another model folder.`);
    this.name = 'ModelFileError';
  }
}

/** A caller asked for something the model does not have (a layer beyond its depth, a wrong-sized vector). */
export class ModelRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelRequestError';
  }
}
