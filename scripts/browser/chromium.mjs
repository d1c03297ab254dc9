// Which Chromium the browser tests launch, and what to do when it is missing. Plain JavaScript on purpose: `npm test`
// and .ci/run decide this before any dependency is installed. Pure; scripts/ensure-browser.mjs does the I/O.

/** Debian's chromium package installs its binary here; the browser tests launch it through playwright-core. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

/** The browser the tests launch: `CASCADE_CHROMIUM` when set, else Debian's chromium. */
export function chromiumPath(env) {
  return env.CASCADE_CHROMIUM || DEBIAN_CHROMIUM;
}

/** Decides from the machine's facts whether the browser is ready, can be installed here and now, or needs a person. */
export function planBrowserInstall(facts) {
  if (facts.present) return { action: 'ready' };
  // A chosen binary that is missing is a wrong path; installing Debian's package would not make the tests use it.
  if (facts.overridden) {
    return stop(`CASCADE_CHROMIUM is ${facts.path}, which is not an executable file. Point it at a Chromium binary, or unset it to use Debian's chromium (${DEBIAN_CHROMIUM}).`);
  }
  const need = `The browser tests need Debian's chromium at ${DEBIAN_CHROMIUM}, which is not installed.`;
  if (!facts.aptGet) {
    return stop(`${need} This machine has no apt-get to install it; install Chromium with its package manager and run the tests with its path:\n  CASCADE_CHROMIUM=/path/to/chromium npm test`);
  }
  if (!facts.root) {
    // Installing packages needs root; asking for a password in the middle of a test run would hang CI, so say what to run.
    const command = facts.sudo ? `sudo apt-get update && sudo apt-get install -y chromium` : `as root: ${INSTALL_COMMAND}`;
    return stop(`${need} Install it, then run npm test again:\n  ${command}`);
  }
  return {
    action: 'install',
    steps: [
      { command: 'apt-get', args: ['update', '-qq'] },
      { command: 'apt-get', args: ['install', '-y', '-qq', 'chromium'] },
    ],
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  };
}

function stop(message) {
  return { action: 'stop', message };
}
