// Listen addresses (`host:port`, `[::1]:port`), parsed in one place for the config loader and `serve`.
import { isIP } from 'node:net';

/** A parsed listen address. */
export interface ListenAddress {
  host: string;
  /** 0 lets the OS pick a free port (tests). */
  port: number;
}

/** Parses `host:port` or `[ipv6]:port`; returns an error sentence instead of throwing. */
export function parseListen(text: string): ListenAddress | { error: string } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  if (!match) return { error: `must be host:port, e.g. 127.0.0.1:7400 (got ${JSON.stringify(text)})` };
  const host = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (port > 65535) return { error: `port ${port} is out of range 0-65535` };
  if (match[1] !== undefined && isIP(host) !== 6) return { error: `${host} is not an IPv6 address` };
  if (match[2] !== undefined && isIP(host) === 0 && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?$/.test(host)) {
    return { error: `${JSON.stringify(host)} is not a host name or IP address` };
  }
  return { host, port };
}

/** Tells whether `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
