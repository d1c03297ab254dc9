import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, freePorts, listenPortRanges } from './ports.ts';

describe('free ports', () => {
  it('picks listening ports outside the kernel ephemeral range, from 10000 up', () => {
    expect(listenPortRanges({ from: 32768, to: 60999 })).toEqual([
      { from: 10_000, to: 32767 },
      { from: 61000, to: 65535 },
    ]);
    expect(listenPortRanges({ from: 1024, to: 65535 })).toEqual([]);
    expect(listenPortRanges({ from: 49152, to: 65535 })).toEqual([{ from: 10_000, to: 49151 }]);
    expect(listenPortRanges(undefined)).toEqual([{ from: 10_000, to: 65535 }]);
  });

  it('reads the ephemeral range, and nothing from text that is not one', () => {
    expect(ephemeralPortRange(() => '32768\t60999\n')).toEqual({ from: 32768, to: 60999 });
    expect(ephemeralPortRange(() => 'garbage')).toBeUndefined();
    expect(ephemeralPortRange(() => '60999 32768')).toBeUndefined();
    expect(
      ephemeralPortRange(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });

  it('hands out distinct ports that can be listened on, outside the ephemeral range, never one twice', async () => {
    const ephemeral = ephemeralPortRange();
    const first = await freePorts(20);
    const second = await freePorts(20);
    const all = [...first, ...second];
    expect(new Set(all).size).toBe(40);
    for (const port of all) {
      if (ephemeral !== undefined) expect(port < ephemeral.from || port > ephemeral.to).toBe(true);
      const server = createServer();
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
