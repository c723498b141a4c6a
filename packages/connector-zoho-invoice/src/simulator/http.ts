import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecordedRequest } from './types.ts';

/** The simulator's HTTP plumbing: Zoho's error answer, bodies sent as stored bytes, the log of answered requests. */

export const API_PREFIX = '/invoice/v3';
export const TOKEN_PATH = '/oauth/v2/token';
const MAX_RECORDED_REQUESTS = 20_000;

/** An answer Zoho gives as `{ code, message }` with an HTTP status (and headers, e.g. the quota's). */
export class ZohoError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * A body already written as UTF-8 JSON, in parts (a list page: the stored rows themselves). Sent part by part rather
 * than joined: a joined copy per page is new memory outside V8's heap, and with a million stored contacts the full
 * collections that such memory sets off took most of the simulator's time.
 */
export class JsonBytes {
  constructor(readonly parts: readonly Buffer[]) {}

  get length(): number {
    let length = 0;
    for (const part of this.parts) length += part.length;
    return length;
  }
}

/** Sends a JSON answer; `malformed` cuts its text in half (the malformedJson fault). */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  malformed = false,
): void {
  if (body instanceof JsonBytes && !malformed) {
    res.writeHead(status, {
      'content-type': 'application/json;charset=UTF-8',
      'content-length': String(body.length),
      ...headers,
    });
    res.cork();
    for (const part of body.parts) res.write(part);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  const text = body instanceof JsonBytes ? Buffer.concat(body.parts).toString('utf8') : JSON.stringify(body);
  res.end(malformed ? text.slice(0, Math.max(1, Math.floor(text.length / 2))) : text);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A positive whole-number query parameter, or Zoho's code 2 answer. */
export function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new ZohoError(400, 2, `Invalid value passed for ${name}`);
  return Number(raw);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Every answered request, newest last, at most MAX_RECORDED_REQUESTS (oldest out first). */
export class RequestLog {
  readonly requests: RecordedRequest[] = [];

  record(req: IncomingMessage, url: URL, status: number, organizationId?: string): void {
    if (this.requests.length >= MAX_RECORDED_REQUESTS) this.requests.shift();
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      organizationId,
      status,
      at: Date.now(),
    });
  }

  clear(): void {
    this.requests.length = 0;
  }
}
