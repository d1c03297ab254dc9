import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../testing/prng.ts';
import { parseCidr, TrustedProxies, type CidrRange } from './trusted-proxies.ts';

const ranges = (...texts: string[]) => texts.map((text) => parseCidr(text) as CidrRange);

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 ranges and single addresses', () => {
    expect(parseCidr('10.0.0.0/8')).toEqual({ address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    expect(parseCidr('192.168.1.7')).toEqual({ address: '192.168.1.7', prefix: 32, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    expect(parseCidr('::1')).toEqual({ address: '::1', prefix: 128, family: 'ipv6' });
    expect(parseCidr('0.0.0.0/0')).toEqual({ address: '0.0.0.0', prefix: 0, family: 'ipv4' });
  });

  it('refuses what is not a range, saying what one looks like', () => {
    for (const text of ['', '10.0.0.0/33', 'fd00::/129', '10.0.0/8', '10.0.0.0/', '10.0.0.0/ 8', '10.0.0.0/0x8', '10.0.0.0/+8', '10.0.0.0/8e0', '10.0.0.0/8/8', 'host.example.com', '010.0.0.1', 'fe80::1%eth0/64', '1.2.3.4 ', `${'1'.repeat(70)}`]) {
      expect([text, 'error' in parseCidr(text)]).toEqual([text, true]);
    }
  });
});

describe('TrustedProxies', () => {
  it('trusts addresses inside the ranges only', () => {
    const trusted = new TrustedProxies(ranges('10.0.0.0/8', '192.168.1.7', 'fd00::/8'));
    expect(trusted.trusts('10.1.2.3')).toBe(true);
    expect(trusted.trusts('11.0.0.1')).toBe(false);
    expect(trusted.trusts('192.168.1.7')).toBe(true);
    expect(trusted.trusts('192.168.1.8')).toBe(false);
    expect(trusted.trusts('fd12::1')).toBe(true);
    expect(trusted.trusts('fe80::1')).toBe(false);
  });

  it('matches an IPv4-mapped IPv6 peer against the IPv4 ranges, as dual-stack sockets report them', () => {
    const trusted = new TrustedProxies(ranges('127.0.0.1'));
    expect(trusted.trusts('::ffff:127.0.0.1')).toBe(true);
    expect(trusted.trusts('::FFFF:127.0.0.1')).toBe(true);
    expect(trusted.trusts('::ffff:127.0.0.2')).toBe(false);
  });

  it('trusts nothing without ranges, and never an unknown or malformed peer', () => {
    expect(new TrustedProxies([]).trusts('127.0.0.1')).toBe(false);
    const trusted = new TrustedProxies(ranges('10.0.0.0/8'));
    for (const peer of [undefined, '', 'localhost', '10.0.0.1%eth0', '10.0.0.1:80', ' 10.0.0.1', '10.0.0.256']) expect([peer, trusted.trusts(peer)]).toEqual([peer, false]);
  });
});

describe('fuzzing range parsing and matching (seeded)', () => {
  const alphabet = ['0', '1', '2', '5', '9', '.', ':', '/', 'a', 'f', 'F', 'x', ' ', '%', '-', '+', '\u0000', '\n', '\u00b2', '\u0661', '::', '255', '256', '32', '128'];

  it('never throws, and every range it accepts is one node accepts and reads back the same', () => {
    const prng = createPrng(0xc1d2);
    for (let run = 0; run < 5000; run++) {
      const text = Array.from({ length: 1 + prng.int(14) }, () => prng.pick(alphabet)).join('');
      const parsed = parseCidr(text);
      if ('error' in parsed) continue;
      expect(() => new BlockList().addSubnet(parsed.address, parsed.prefix, parsed.family)).not.toThrow();
      expect(parseCidr(`${parsed.address}/${parsed.prefix}`)).toEqual(parsed);
    }
  });

  it('agrees with bit arithmetic on random IPv4 ranges and peers', () => {
    const prng = createPrng(0x5eed);
    const quad = () => Array.from({ length: 4 }, () => prng.int(256));
    const toInt = (parts: number[]) => parts.reduce((n, part) => n * 256 + part, 0);
    for (let run = 0; run < 2000; run++) {
      const base = quad();
      const prefix = prng.int(33);
      const range = parseCidr(`${base.join('.')}/${prefix}`) as CidrRange;
      // Half the peers share the range's leading bits, so both answers are exercised.
      const peer = prng.chance(0.5) ? base.map((part, i) => (i < Math.floor(prefix / 8) ? part : prng.int(256))) : quad();
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
      const expected = ((toInt(peer) & mask) >>> 0) === ((toInt(base) & mask) >>> 0);
      expect([range, peer.join('.'), new TrustedProxies([range]).trusts(peer.join('.'))]).toEqual([range, peer.join('.'), expected]);
    }
  });
});
