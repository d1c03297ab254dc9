import { describe, expect, it } from 'vitest';
import { scriptArguments } from './arguments.ts';

const project = { projectName: 'Shop', baseDomain: 'shop.example.com' };
const subject = (fields: Record<string, unknown>, namespace?: string) => ({
  name: 'previews/feature-x',
  ...(namespace === undefined ? {} : { namespace }),
  version: { version: String(fields.version ?? '1.0'), fields: { version: '1.0', ...fields } as never },
  versionFile: 'previews/version/previews/feature-x.yaml',
});

describe('scriptArguments', () => {
  it('passes the contract arguments in order, then the config maps', () => {
    const result = scriptArguments(project, subject({ version: '1.4.2', config: { API_URL: 'https://x', replicas: 2, flags: ['a', 'b'], debug: true }, deploymentConfig: { memory: '1Gi' } }, 'previews'));
    expect(result).toEqual({ ok: true, args: [
      '--project-name', 'Shop', '--base-domain', 'shop.example.com', '--namespace', 'previews', '--name', 'previews/feature-x', '--tag', '1.4.2',
      '--application-config', 'API_URL=https://x', '--application-config', 'replicas=2', '--application-config', 'flags=["a","b"]', '--application-config', 'debug=true',
      '--deployment-config', 'memory=1Gi',
    ] });
  });

  it('derives the namespace from the name when the binding has none', () => {
    const result = scriptArguments(project, subject({}));
    expect(result.ok && result.args.slice(4, 6)).toEqual(['--namespace', 'previews-feature-x']);
  });

  it('keeps shell syntax as plain text: argv is never interpreted', () => {
    const result = scriptArguments(project, subject({ version: '$(touch /tmp/pwned)', config: { x: '`id`; rm -rf /' } }));
    expect(result.ok && result.args).toContain('$(touch /tmp/pwned)');
    expect(result.ok && result.args).toContain('x=`id`; rm -rf /');
  });

  it('refuses tags that would read as options or cannot travel in argv, naming the file', () => {
    for (const version of ['-rf', '', 'a\u0000b', 'a\nb']) {
      const result = scriptArguments(project, subject({ version }));
      expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'invalid-script-argument', file: 'previews/version/previews/feature-x.yaml' }) });
    }
  });

  it('refuses config that is not a map and keys that are not names', () => {
    expect(scriptArguments(project, subject({ config: ['a'] }))).toMatchObject({ ok: false, error: { message: 'config: must be a map of KEY: value' } });
    expect(scriptArguments(project, subject({ deploymentConfig: { 'a=b': 'c' } }))).toMatchObject({ ok: false, error: { message: expect.stringContaining('deploymentConfig.a=b') } });
    expect(scriptArguments(project, subject({ config: { k: 'a\u0000' } }))).toMatchObject({ ok: false });
  });
});
