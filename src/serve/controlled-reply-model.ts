// A reply model whose default steering follows the live steering control: a request that names
// its own `steer` keeps it; otherwise the control file's choice applies, and without a control
// file the server's `--steer`.
import type { Generation, ReplyModel, SamplingOptions } from './reply-model';
import { SteerSpecError } from './steer-option';
import { readSteeringControl } from './steering-control';

export class ControlledReplyModel implements ReplyModel {
  /** The last refusal reported, so a bad control file is reported once, not on every reply. */
  private reported = '';

  constructor(
    private readonly model: ReplyModel,
    private readonly folder: string,
    private readonly warn: (message: string) => void,
  ) {}

  get id(): string {
    return this.model.id;
  }

  get contextLimit(): number {
    return this.model.contextLimit;
  }

  promptIds(...args: Parameters<ReplyModel['promptIds']>): number[] {
    return this.model.promptIds(...args);
  }

  decode(ids: number[]): string {
    return this.model.decode(ids);
  }

  pieces(ids: number[]): string[] {
    return this.model.pieces(ids);
  }

  generate(promptIds: number[], options: SamplingOptions, onToken: (id: number) => boolean): Promise<Generation> {
    if (options.steer !== undefined) return this.model.generate(promptIds, options, onToken);
    const steer = this.controlled();
    return this.model.generate(promptIds, steer === undefined ? options : { ...options, steer }, onToken);
  }

  private controlled(): ReturnType<typeof readSteeringControl> {
    try {
      const choice = readSteeringControl(this.folder);
      this.reported = '';
      return choice;
    } catch (err) {
      if (!(err instanceof SteerSpecError)) throw err;
      if (err.message !== this.reported) this.warn(err.message);
      this.reported = err.message;
      return undefined;
    }
  }
}
