// A whole JSON answer, for every route of the endpoint.
import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
