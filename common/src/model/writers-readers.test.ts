// Files Cascade writes must read the same in every YAML reader: PyYAML (YAML 1.1) and go-yaml see LS, PS and NEL
// as line breaks where Cascade's YAML 1.2 parser does not, so an unescaped one could inject a key for them.
import { beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE_STRINGS } from '../../test/yaml-readers/hostile-strings.ts';
import { foreignReaders, type ForeignReader } from '../../test/yaml-readers/readers.ts';
import { parseLocksFile } from './locks.ts';
import { parseTransitionStateFile } from './transition-state.ts';
import { parseVersionFile } from './version-file.ts';
import { addLockReason, writeTransitionState, writeVersionFile } from './writers.ts';
import { readSingleDocument } from './yaml-file.ts';

let readers: ForeignReader[];
beforeAll(() => {
  readers = foreignReaders();
});

/** Asserts every foreign reader parses each text to exactly the map Cascade's own parser makes of it. */
function expectSameInEveryReader(texts: string[]): void {
  const expected = texts.map((text) => {
    const read = readSingleDocument('file.yaml', text);
    if ('problems' in read) throw new Error(`Cascade cannot read its own output: ${JSON.stringify(read.problems)}\n${text}`);
    return { ok: true, value: read.value };
  });
  for (const reader of readers) {
    const results = reader.read(texts);
    texts.forEach((text, index) => expect(results[index], `${reader.name} reading:\n${text}`).toEqual(expected[index]));
  }
}

describe('files Cascade writes read the same in PyYAML and go-yaml', () => {
  it('version files: hostile values, nested values, list items and keys', () => {
    const texts = Object.values(HOSTILE_STRINGS).map((value) => {
      const text = writeVersionFile('# kept\nversion: "1.0"\n', value, { image: value, config: { [value]: value, list: [value] } });
      expect(parseVersionFile('v.yaml', text).data?.fields).toEqual({ version: value, image: value, config: { [value]: value, list: [value] } });
      return text;
    });
    expectSameInEveryReader(texts);
  });

  it('locks.yaml: environment and resource reasons', () => {
    const texts = Object.values(HOSTILE_STRINGS).map((reason) => {
      const text = addLockReason(addLockReason('env_lock: { reasons: ["freeze"] }\n', reason), reason, 'shop/cart');
      expect(parseLocksFile('locks.yaml', text).locks).toEqual({ envReasons: ['freeze', reason], resourceReasons: { 'shop/cart': [reason] } });
      return text;
    });
    expectSameInEveryReader(texts);
  });

  it('transition_state.yaml: schedules, time zones and transition names', () => {
    const texts = Object.values(HOSTILE_STRINGS).map((value) => {
      const state = { nextRun: '2026-01-05T05:00:00.000Z', schedule: value, timezone: value };
      const text = writeTransitionState(undefined, value, state);
      expect(parseTransitionStateFile('transition_state.yaml', text).state[value]).toEqual(state);
      return text;
    });
    expectSameInEveryReader(texts);
  });
});
