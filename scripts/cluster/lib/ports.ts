// Free loopback ports for processes whose address must be known before they start (the cluster's components, test services).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** An inclusive range of port numbers. */
export interface PortRange {
  from: number;
  to: number;
}

// Ports below 10000 are where well-known services live; the rest is fair game unless the kernel hands it out itself.
const LOWEST = 10_000;
const HIGHEST = 65_535;
// Fewer candidates than this and picking at random collides too often; the kernel's own choice is the better bet then.
const ENOUGH_CANDIDATES = 2_000;

/**
 * The ranges to pick listening ports from: everything from 10000 up outside the kernel's ephemeral range. A port
 * the kernel picked for `listen(0)` and that was closed again lies in that range, so any outgoing connection may
 * take it as its local port before the service binds it (EADDRINUSE); a port outside it only another listener can take.
 */
export function listenPortRanges(ephemeral: PortRange | undefined): PortRange[] {
  if (ephemeral === undefined) return [{ from: LOWEST, to: HIGHEST }];
  const ranges = [
    { from: LOWEST, to: Math.min(HIGHEST, ephemeral.from - 1) },
    { from: Math.max(LOWEST, ephemeral.to + 1), to: HIGHEST },
  ];
  return ranges.filter((range) => range.from <= range.to);
}

/** The kernel's ephemeral port range (Linux: `/proc/sys/net/ipv4/ip_local_port_range`), undefined where it cannot be read. */
export function ephemeralPortRange(read: () => string = () => readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')): PortRange | undefined {
  try {
    const [from, to] = read().trim().split(/\s+/).map(Number);
    return Number.isInteger(from) && Number.isInteger(to) && from! <= to! ? { from: from!, to: to! } : undefined;
  } catch {
    return undefined;
  }
}

// Ports this process handed out already, never handed out twice (their services may not have bound them yet).
const handedOut = new Set<number>();

/**
 * `count` distinct TCP ports on 127.0.0.1 that nothing listens on now, picked at random outside the kernel's
 * ephemeral range (see `listenPortRanges`); where that leaves too few, the kernel's own picks (held open together).
 */
export async function freePorts(count: number): Promise<number[]> {
  const ranges = listenPortRanges(ephemeralPortRange());
  const size = ranges.reduce((sum, range) => sum + range.to - range.from + 1, 0);
  if (size < ENOUGH_CANDIDATES) return kernelPorts(count);
  const ports: number[] = [];
  for (let tries = 0; ports.length < count; tries++) {
    if (tries > 1000) throw new Error(`no free port found outside the ephemeral range after ${tries} tries`);
    const port = pick(ranges, Math.floor(Math.random() * size));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    ports.push(port);
  }
  return ports;
}

/** The `index`th port of the ranges laid end to end. */
function pick(ranges: readonly PortRange[], index: number): number {
  for (const range of ranges) {
    const size = range.to - range.from + 1;
    if (index < size) return range.from + index;
    index -= size;
  }
  throw new Error(`port index ${index} beyond the ranges`);
}

/** True when a listener could bind 127.0.0.1:`port` right now. */
function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` distinct ports the kernel picks for `listen(0)`, held open together so they differ. */
async function kernelPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    return address.port;
  });
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
