// The default logger writes standard error without stalling the process on a pipe nobody reads yet, and loses no
// line: what is still buffered goes out in order, also when the process exits at once.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('./logger.ts', import.meta.url));
/** More than a pipe holds (64 KiB on Linux), so a process writing it synchronously waits for the reader. */
const LINES = 2000;

/** Starts a process that logs `lines` lines of about 150 bytes with the default logger, then runs `after`. */
function logging(after: string, lines = LINES) {
  const script = `
    import { createLogger } from ${JSON.stringify(LOGGER)};
    const logger = createLogger();
    for (let i = 0; i < ${lines}; i++) logger.info('line', { i, padding: 'x'.repeat(100) });
    ${after}`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The `i` of every log line in `text`, in order. */
function lineNumbers(text: string): number[] {
  return text.split('\n').filter((line) => line !== '').map((line) => (JSON.parse(line) as { i: number }).i);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text;
}

describe('the default log sink', () => {
  it('goes on while nobody reads standard error, and every line arrives in order later', async () => {
    const child = logging("process.stdout.write('logged\\n');");
    // Standard error is not read until the process says it went past its logging: a synchronous write would wait
    // for the reader forever, and the process would never say so.
    const [said] = (await once(child.stdout, 'data')) as [Buffer];
    expect(said.toString('utf8')).toBe('logged\n');
    const [text] = await Promise.all([readAll(child.stderr), once(child, 'exit')]);
    expect(lineNumbers(text)).toEqual(Array.from({ length: LINES }, (_, i) => i));
  });

  it('drops lines past its bound while nobody reads, rather than holding them all', async () => {
    // About 30 MB of lines, twice the bound, logged while standard error is not read.
    const logged = 200_000;
    const child = logging("process.stdout.write('logged\\n');", logged);
    await once(child.stdout, 'data');
    const [text] = await Promise.all([readAll(child.stderr), once(child, 'exit')]);
    const numbers = lineNumbers(text);
    // What was kept is whole lines from the first on, in order; the rest was dropped.
    expect(numbers.length).toBeGreaterThan(LINES);
    expect(numbers.length).toBeLessThan(logged);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i));
  });

  it('writes what is still buffered when the process exits at once', async () => {
    const child = logging('process.exit(0);');
    const [text, [code]] = await Promise.all([readAll(child.stderr), once(child, 'exit')]);
    expect(code).toBe(0);
    expect(lineNumbers(text)).toEqual(Array.from({ length: LINES }, (_, i) => i));
  });
});
