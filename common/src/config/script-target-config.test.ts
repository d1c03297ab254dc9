import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { parseConfig } from './load.ts';

const FILE = '/etc/cascade/cascade.yaml';
const withTarget = (keys: string) => `repo: { url: r.git }\ntargets:\n  previews: { type: script, dir: scripts, projectName: Shop, baseDomain: shop.example.com${keys} }\n`;

/** The problems of a config expected to be refused, as code and key path. */
function problemsOf(text: string, env: Record<string, string> = {}) {
  try {
    parseConfig(text, { file: FILE, env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => ({ code: p.code, path: p.path }));
  }
  throw new Error('expected a ConfigError');
}

describe('script target config', () => {
  it('defaults to config in a file, four scripts at once and a check every minute', () => {
    expect(parseConfig(withTarget(''), { file: FILE }).targets.previews).toEqual({
      type: 'script', dir: '/etc/cascade/scripts', projectName: 'Shop', baseDomain: 'shop.example.com', timeout: 300_000, checkInterval: 60_000, parallelism: 4, configArguments: 'file',
    });
  });

  it('reads parallelism, checkInterval and configArguments from the file and the environment', () => {
    expect(parseConfig(withTarget(', parallelism: 8, checkInterval: 5m, configArguments: argv'), { file: FILE }).targets.previews).toMatchObject({ parallelism: 8, checkInterval: 300_000, configArguments: 'argv' });
    const env = { CASCADE_TARGETS_PREVIEWS_PARALLELISM: '2', CASCADE_TARGETS_PREVIEWS_CHECKINTERVAL: '30s', CASCADE_TARGETS_PREVIEWS_CONFIGARGUMENTS: 'argv' };
    expect(parseConfig(withTarget(''), { file: FILE, env }).targets.previews).toMatchObject({ parallelism: 2, checkInterval: 30_000, configArguments: 'argv' });
  });

  it('refuses a parallelism that is no whole number from 1 to 64, a check interval under 1s and an unknown transport', () => {
    for (const value of ['0', '65', '1.5', '"4"']) expect(problemsOf(withTarget(`, parallelism: ${value}`))).toEqual([expect.objectContaining({ path: 'targets.previews.parallelism' })]);
    expect(problemsOf(withTarget(''), { CASCADE_TARGETS_PREVIEWS_PARALLELISM: 'many' })).toEqual([expect.objectContaining({ path: 'targets.previews.parallelism' })]);
    expect(problemsOf(withTarget(', checkInterval: 500ms'))).toEqual([expect.objectContaining({ path: 'targets.previews.checkInterval' })]);
    expect(problemsOf(withTarget(', configArguments: env'))).toEqual([expect.objectContaining({ path: 'targets.previews.configArguments' })]);
  });
});
