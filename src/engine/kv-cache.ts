// KV cache of the tokens a session has already seen: the `present.*` outputs of one run, fed
// back as `past_key_values.*` inputs of the next.
import { Tensor } from 'onnxruntime-node';
import { ModelRequestError } from './graph/errors';

const PRESENT = /^present([._]\d+[._](?:key|value))$/;

export class KvCache {
  private disposed = false;

  /** Use `KvCache.fromOutputs`; `owner` ties a cache to the session that produced it. */
  private constructor(
    readonly owner: object,
    /** Tokens covered. */
    readonly length: number,
    private readonly tensors: ReadonlyMap<string, Tensor>,
  ) {}

  /** Collects the `present.*` outputs of a run, renamed to the inputs that read them back. */
  static fromOutputs(owner: object, length: number, outputs: Readonly<Record<string, Tensor>>): KvCache {
    const tensors = new Map<string, Tensor>();
    for (const [name, tensor] of Object.entries(outputs)) {
      const match = PRESENT.exec(name);
      if (match) tensors.set(`past_key_values${match[1]}`, tensor);
    }
    return new KvCache(owner, length, tensors);
  }

  /** Approximate memory held, for the caller's budget. */
  get bytes(): number {
    let total = 0;
    for (const tensor of this.tensors.values()) total += (tensor.data as ArrayBufferView).byteLength;
    return total;
  }

  /** The cached tensor for a `past_key_values.*` input. */
  tensorFor(owner: object, input: string): Tensor {
    if (this.disposed) throw new ModelRequestError('This KV cache was disposed.');
    if (owner !== this.owner) throw new ModelRequestError('This KV cache belongs to another model session.');
    const tensor = this.tensors.get(input);
    if (!tensor) throw new ModelRequestError(`The KV cache has no tensor for ${input}.`);
    return tensor;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const tensor of this.tensors.values()) tensor.dispose();
  }
}
