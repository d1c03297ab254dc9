import { describe, expect, it } from 'vitest';
import { chromiumPath, DEBIAN_CHROMIUM, planBrowserInstall, type BrowserFacts } from './chromium.mjs';

const INSTALL = [
  { command: 'apt-get', args: ['update', '-qq'] },
  { command: 'apt-get', args: ['install', '-y', '-qq', 'chromium'] },
];

/** Facts of a fresh Debian machine without the browser; each test changes what it is about. */
function facts(overrides: Partial<BrowserFacts> = {}): BrowserFacts {
  return { path: DEBIAN_CHROMIUM, overridden: false, present: false, root: true, aptGet: true, sudo: false, ...overrides };
}

describe('chromiumPath', () => {
  it('is Debian\'s chromium unless CASCADE_CHROMIUM names another binary', () => {
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CASCADE_CHROMIUM: '/opt/chrome/chrome' })).toBe('/opt/chrome/chrome');
    expect(chromiumPath({ CASCADE_CHROMIUM: '' })).toBe('/usr/bin/chromium');
  });
});

describe('planBrowserInstall', () => {
  it('does nothing when the browser is there, whoever runs and whatever is installed', () => {
    for (const root of [true, false]) {
      for (const aptGet of [true, false]) {
        expect(planBrowserInstall(facts({ present: true, root, aptGet }))).toEqual({ action: 'ready' });
        expect(planBrowserInstall(facts({ present: true, root, aptGet, overridden: true, path: '/opt/c' }))).toEqual({ action: 'ready' });
      }
    }
  });

  it('installs Debian\'s chromium non-interactively as root with apt-get, like CI always did', () => {
    expect(planBrowserInstall(facts())).toEqual({ action: 'install', steps: INSTALL, env: { DEBIAN_FRONTEND: 'noninteractive' } });
    expect(planBrowserInstall(facts({ sudo: true }))).toMatchObject({ action: 'install', steps: INSTALL });
  });

  it('stops with the sudo command to run when not root', () => {
    const plan = planBrowserInstall(facts({ root: false, sudo: true }));
    expect(plan).toMatchObject({ action: 'stop' });
    expect(plan.action === 'stop' && plan.message).toContain('sudo apt-get update && sudo apt-get install -y chromium');
  });

  it('stops with the command for root when not root and there is no sudo', () => {
    const plan = planBrowserInstall(facts({ root: false, sudo: false }));
    expect(plan.action === 'stop' && plan.message).toContain('as root: apt-get update && apt-get install -y chromium');
    expect(plan.action === 'stop' && plan.message).not.toContain('sudo');
  });

  it('stops with how to point CASCADE_CHROMIUM at a browser when there is no apt-get', () => {
    for (const root of [true, false]) {
      const plan = planBrowserInstall(facts({ root, aptGet: false, sudo: true }));
      expect(plan.action === 'stop' && plan.message).toContain('CASCADE_CHROMIUM=/path/to/chromium npm test');
      expect(plan.action === 'stop' && plan.message).not.toContain('apt-get install');
    }
  });

  it('never installs over a CASCADE_CHROMIUM that names a missing binary: installing would not help', () => {
    for (const root of [true, false]) {
      const plan = planBrowserInstall(facts({ root, overridden: true, path: '/opt/nowhere/chrome' }));
      expect(plan).toMatchObject({ action: 'stop' });
      expect(plan.action === 'stop' && plan.message).toContain('CASCADE_CHROMIUM is /opt/nowhere/chrome');
    }
  });

  it('names the path the tests will launch in every stop message', () => {
    for (const f of [facts({ root: false }), facts({ aptGet: false })]) {
      const plan = planBrowserInstall(f);
      expect(plan.action === 'stop' && plan.message).toContain(DEBIAN_CHROMIUM);
    }
  });
});
