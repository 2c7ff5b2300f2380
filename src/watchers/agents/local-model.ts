import { join } from 'node:path';
import { readEndpointFile } from '../../storage/serve-endpoint';
import { LocalModelReader } from '../local-model';
import type { TranscriptAgent } from './agent';
import { firstJson, has } from './head';

export const localModel: TranscriptAgent<'local-model'> = {
  source: 'local-model',
  label: 'Local model (agent-vitals serve)',
  settingKey: 'watchers.localModel',
  reads:
    "the running `agent-vitals serve --http` endpoint's own-activations transcript, named in `<cache>/serve/endpoint.json` (`$AGENT_VITALS_CACHE` or `~/.cache/agent-vitals`)",
  detect: (_path, head) => {
    const first = firstJson(head);
    return has(first, 'type', 'source') && first.type === 'session' && first.source === 'own-activations';
  },
  reader: (emitter, file) => new LocalModelReader(emitter, file),
  // The endpoint does not know its agent's workspace: what ties its session to this window is
  // that it is the one running now, the transcript its endpoint file names.
  watchTargets: (_workspaceRoot, at) =>
    at.serveFolder
      ? [
          {
            source: 'local-model',
            dir: join(at.serveFolder, 'transcripts'),
            accepts: (f) => readEndpointFile(at.serveFolder!)?.transcript === f,
            matchByCwd: false,
            maxDepth: 0,
            descend: () => false,
          },
        ]
      : [],
};
