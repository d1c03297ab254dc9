// Minimal HTTP(S) client for health probes and the few API calls cluster start-up makes before any client library is needed.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** How to reach and authenticate to an endpoint. */
export interface ProbeOptions {
  /** PEM bundle to trust; without it the peer certificate is not verified (only for our own loopback components). */
  ca?: string;
  /** Bearer token sent as Authorization header; never logged. */
  token?: string;
  method?: string;
  body?: unknown;
  timeoutMs?: number;
}

/** Status and body of an HTTP response. */
export interface ProbeResponse {
  status: number;
  body: string;
}

/** Sends one request; resolves `undefined` when the endpoint cannot be reached (not listening yet, reset, timeout). */
export function probe(url: string, options: ProbeOptions = {}): Promise<ProbeResponse | undefined> {
  const target = new URL(url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        headers,
        ca: options.ca,
        rejectUnauthorized: options.ca !== undefined,
        timeout: options.timeoutMs ?? 5_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end(payload);
  });
}
