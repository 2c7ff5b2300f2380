// A stand-in for the model hub on 127.0.0.1, serving model folders the way the hub does:
// `/<repo>/resolve/<revision>/<file>`, large files through a redirect whose headers announce
// their size and sha256. Faults can be injected per file.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

/** `hang`: the request gets no answer at all (not even headers); `busy`: HTTP 503. */
export type Fault = 'interrupt' | 'corrupt' | 'stall' | 'hang' | 'busy';

export interface FakeHub {
  url: string;
  /** GET requests per file (`repo/file`), redirects not counted twice. */
  downloads: Map<string, number>;
  /** Every request, as `METHOD path`. */
  requests: string[];
  faults: Map<string, Fault>;
  close(): Promise<void>;
}

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, root) : [relative(root, path)];
  });
}

/** `repos` maps a repo id (`org/name`) to a folder whose files it serves. */
export async function startFakeHub(repos: Record<string, string>): Promise<FakeHub> {
  const files = new Map<string, Buffer>();
  for (const [repo, folder] of Object.entries(repos)) {
    for (const f of listFiles(folder)) files.set(`${repo}/${f}`, readFileSync(join(folder, f)));
  }
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  const byHash = new Map([...files].map(([key, body]) => [sha256(body), key]));
  const downloads = new Map<string, number>();
  const requests: string[] = [];
  const faults = new Map<string, Fault>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    let key: string | undefined;
    let viaCdn = false;
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) {
      key = byHash.get(cdn[1]);
      viaCdn = true;
    } else {
      const m = /^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/.exec(decodeURIComponent(url.pathname));
      if (m) key = `${m[1]}/${m[3]}`;
    }
    const body = key ? files.get(key) : undefined;
    if (!key || !body) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    const large = key.includes('.onnx');
    if (large && !viaCdn) {
      // The hub redirects LFS files to its CDN and names size and hash on the redirect.
      res
        .writeHead(302, {
          location: `/cdn/${sha256(body)}`,
          'x-linked-size': String(body.length),
          'x-linked-etag': `"${sha256(body)}"`,
        })
        .end();
      return;
    }
    const headers = {
      'content-length': String(body.length),
      etag: `"${createHash('sha1').update(body).digest('hex')}"`,
    };
    if (req.method === 'HEAD') {
      res.writeHead(200, headers).end();
      return;
    }
    downloads.set(key, (downloads.get(key) ?? 0) + 1);
    const fault = faults.get(key);
    faults.delete(key); // one fault per injection: the retry succeeds
    if (fault === 'hang') return;
    if (fault === 'busy') return void res.writeHead(503).end();
    res.writeHead(200, headers);
    if (fault === 'interrupt') {
      res.write(body.subarray(0, body.length >> 1), () => res.destroy());
    } else if (fault === 'corrupt') {
      const bad = Buffer.from(body);
      bad[bad.length >> 1] ^= 0xff;
      res.end(bad);
    } else if (fault === 'stall') {
      res.write(body.subarray(0, body.length >> 2)); // then nothing, until the client gives up
    } else {
      res.end(body);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    downloads,
    requests,
    faults,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
