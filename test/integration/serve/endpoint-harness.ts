// The endpoint as the serve tests drive it: the bundled demo model opened with its shipped
// vectors, and endpoints on loopback answered through the official `openai` client.
import { after, before } from 'node:test';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { resolveModel } from '../../../src/model-store/model-store';
import { identifyModel, LoadedModel } from '../../../src/model/loaded-model';
import { findVectors } from '../../../src/model/loaded-vectors';
import { DEFAULT_LIMITS, type ServeLimits } from '../../../src/serve/chat-request';
import { createEndpoint } from '../../../src/serve/http-server';
import { LocalReplyModel, type ReplyModel } from '../../../src/serve/reply-model';
import type { SelfTranscript } from '../../../src/serve/self-transcript';

export const KEY = 'test-key-0123456789';

export async function openDemoModel(): Promise<LoadedModel> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'av-serve-'));
  const resolved = await resolveModel('fixture:emotion-tiny', { dtype: 'fp32', cacheDir, offline: true });
  const identity = await identifyModel('fixture:emotion-tiny', resolved, cacheDir);
  const { loaded: vectors } = findVectors(identity, cacheDir, undefined, undefined, resolved.folder);
  return LoadedModel.open('fixture:emotion-tiny', resolved, { cacheDir, vectors });
}

/** Endpoints started by a test file, closed together at its end. */
export class Endpoints {
  private readonly servers: Server[] = [];

  async serve(
    model: ReplyModel,
    limits: Partial<ServeLimits> = {},
    transcript?: SelfTranscript,
  ): Promise<{ client: OpenAI; url: string }> {
    const server = createEndpoint(model, { key: KEY, limits: { ...DEFAULT_LIMITS, ...limits }, transcript });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    return { client: new OpenAI({ baseURL: url, apiKey: KEY, maxRetries: 0 }), url };
  }

  close(): void {
    for (const server of this.servers) server.close();
  }
}

/** The demo model served by a test file: opened before its tests, its endpoints and model
 *  released after them. `loaded` and `local` are set once the tests run. */
export function demoEndpoint(): {
  loaded: LoadedModel;
  local: LocalReplyModel;
  serve: Endpoints['serve'];
} {
  const endpoints = new Endpoints();
  const demo = {
    loaded: undefined as unknown as LoadedModel,
    local: undefined as unknown as LocalReplyModel,
    serve: (...args: Parameters<Endpoints['serve']>) => endpoints.serve(...args),
  };
  before(async () => {
    demo.loaded = await openDemoModel();
    demo.local = new LocalReplyModel(demo.loaded);
  });
  after(async () => {
    endpoints.close();
    demo.local.release();
    await demo.loaded.release();
  });
  return demo;
}
