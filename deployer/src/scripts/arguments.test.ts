import { describe, expect, it } from 'vitest';
import { MAX_ARGUMENT_BYTES, scriptArguments } from './arguments.ts';

const project = { projectName: 'Shop', baseDomain: 'shop.example.com' };
const FILE = 'previews/version/previews/feature-x.yaml';
const subject = (fields: Record<string, unknown>, namespace?: string) => ({
  name: 'previews/feature-x',
  ...(namespace === undefined ? {} : { namespace }),
  version: { version: String(fields.version ?? '1.0'), fields: { version: '1.0', ...fields } as never },
  versionFile: FILE,
});
const argvOf = (result: ReturnType<typeof scriptArguments>) => (result.ok ? result.call.args : []);

describe('scriptArguments', () => {
  it('passes the contract arguments in order, then the config maps as argv with configArguments: argv', () => {
    const result = scriptArguments(project, subject({ version: '1.4.2', config: { API_URL: 'https://x', replicas: 2, flags: ['a', 'b'], debug: true }, deploymentConfig: { memory: '1Gi' } }, 'previews'), 'argv');
    expect(result).toEqual({ ok: true, call: { args: [
      '--project-name', 'Shop', '--base-domain', 'shop.example.com', '--namespace', 'previews', '--name', 'previews/feature-x', '--tag', '1.4.2',
      '--application-config', 'API_URL=https://x', '--application-config', 'replicas=2', '--application-config', 'flags=["a","b"]', '--application-config', 'debug=true',
      '--deployment-config', 'memory=1Gi',
    ] } });
  });

  it('by default keeps config out of argv and puts it in the config document, values encoded as argv would carry them', () => {
    const result = scriptArguments(project, subject({ version: '1.4.2', config: { DB_PASSWORD: 's3cret', replicas: 2, __proto__x: 'p' }, deploymentConfig: { limits: { cpu: '1' } } }, 'previews'));
    expect(argvOf(result)).toEqual(['--project-name', 'Shop', '--base-domain', 'shop.example.com', '--namespace', 'previews', '--name', 'previews/feature-x', '--tag', '1.4.2']);
    expect(argvOf(result).join(' ')).not.toContain('s3cret');
    expect(JSON.parse(result.ok ? result.call.configDocument! : '')).toEqual({
      projectName: 'Shop', baseDomain: 'shop.example.com', namespace: 'previews', name: 'previews/feature-x', tag: '1.4.2',
      applicationConfig: { DB_PASSWORD: 's3cret', replicas: '2', __proto__x: 'p' }, deploymentConfig: { limits: '{"cpu":"1"}' },
    });
  });

  it('keeps a config key named __proto__ as an ordinary entry of the document', () => {
    const result = scriptArguments(project, subject({ config: JSON.parse('{"__proto__":"x","A":"b"}') }));
    expect(result.ok && JSON.parse(result.call.configDocument!).applicationConfig).toEqual(JSON.parse('{"__proto__":"x","A":"b"}'));
  });

  it('derives the namespace from the name when the binding has none', () => {
    expect(argvOf(scriptArguments(project, subject({}))).slice(4, 6)).toEqual(['--namespace', 'previews-feature-x']);
  });

  it('keeps shell syntax as plain text: argv is never interpreted', () => {
    const result = scriptArguments(project, subject({ version: '$(touch /tmp/pwned)', config: { x: '`id`; rm -rf /' } }), 'argv');
    expect(argvOf(result)).toContain('$(touch /tmp/pwned)');
    expect(argvOf(result)).toContain('x=`id`; rm -rf /');
  });

  it('refuses tags that would read as options or cannot travel in argv, naming the file', () => {
    for (const version of ['-rf', '', 'a\u0000b', 'a\nb']) {
      const result = scriptArguments(project, subject({ version }));
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid-script-argument', file: FILE }) });
    }
  });

  it('refuses tags with C1 controls, bidi controls or line and paragraph separators', () => {
    const refused = ['\u0085', '\u009b', '\u202e', '\u202a', '\u2066', '\u2069', '\u200e', '\u200f', '\u061c', '\u2028', '\u2029'];
    for (const char of refused) {
      const result = scriptArguments(project, subject({ version: `1.0${char}evil` }));
      expect(result, `U+${char.charCodeAt(0).toString(16)}`).toMatchObject({ ok: false, error: { code: 'invalid-script-argument', file: FILE, message: expect.stringMatching(/^version: .*U\+[0-9A-F]{4}/) } });
    }
    expect(scriptArguments(project, subject({ version: '1.0-ünïcödé' })).ok).toBe(true);
  });

  it('refuses config that is not a map and keys that are not names', () => {
    expect(scriptArguments(project, subject({ config: ['a'] }))).toMatchObject({ ok: false, error: { message: 'config: must be a map of KEY: value' } });
    expect(scriptArguments(project, subject({ deploymentConfig: { 'a=b': 'c' } }))).toMatchObject({ ok: false, error: { message: expect.stringContaining('deploymentConfig.a=b') } });
    expect(scriptArguments(project, subject({ config: { k: 'a\u0000' } }))).toMatchObject({ ok: false });
  });

  it('bounds one argument below MAX_ARG_STRLEN and all of them below ARG_MAX, naming the field, whichever transport', () => {
    for (const transport of ['file', 'argv'] as const) {
      expect(scriptArguments(project, subject({ version: 'v'.repeat(200_000) }), transport)).toMatchObject({ ok: false, error: { code: 'invalid-script-argument', file: FILE, message: expect.stringMatching(/^version: .*200000 bytes/) } });
      expect(scriptArguments(project, subject({ config: { BIG: 'x'.repeat(MAX_ARGUMENT_BYTES) } }), transport)).toMatchObject({ ok: false, error: { file: FILE, message: expect.stringMatching(/^config\.BIG: /) } });
      // Twenty values of 60 KB: each fits, together they are over the bound of one call.
      const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`V${i}`, 'x'.repeat(60_000)]));
      expect(scriptArguments(project, subject({ deploymentConfig: many }), transport)).toMatchObject({ ok: false, error: { file: FILE, message: expect.stringMatching(/^deploymentConfig\.V17: .*bound/) } });
    }
    expect(scriptArguments(project, subject({ config: { OK: 'x'.repeat(MAX_ARGUMENT_BYTES - 10) } })).ok).toBe(true);
  });
});
