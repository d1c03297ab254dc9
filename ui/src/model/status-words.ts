// The words and symbols of each cell status, in one place so the matrix, the detail and the legend agree.
import type { CellStatus, EnvColumn } from './dashboard.ts';

/** Label, symbol and tone of a status badge. */
export interface StatusLook {
  label: string;
  symbol: string;
  tone: 'ok' | 'bad' | 'warn' | 'info' | 'none';
}

/** How each status looks. */
export const STATUS_LOOK: Record<CellStatus, StatusLook> = {
  clean: { label: 'rolled out', symbol: '✓', tone: 'ok' },
  progress: { label: 'in progress', symbol: '', tone: 'info' },
  failed: { label: 'failed', symbol: '✕', tone: 'bad' },
  outdated: { label: 'outdated', symbol: '◔', tone: 'warn' },
  absent: { label: 'not deployed', symbol: '–', tone: 'none' },
  repo: { label: 'in repo', symbol: '', tone: 'none' },
  unreleased: { label: 'unreleased', symbol: '○', tone: 'none' },
  // Text presentation (U+FE0E), so no system draws the warning sign as a coloured emoji.
  broken: { label: 'broken file', symbol: '⚠\uFE0E', tone: 'bad' },
  unknown: { label: 'unknown', symbol: '?', tone: 'none' },
};

const ROLLOUT_WORDS: Record<EnvColumn['rollout'], string> = {
  Clean: 'rolled out',
  InProgress: 'rolling out',
  Outdated: 'outdated',
  Failed: 'failed',
  Unreachable: 'target unreachable',
  Unknown: 'no report',
  NotDeployed: 'not deployed',
};

/** An environment's rollout as its header says it, with a hover that explains it. */
export interface EnvRolloutWords {
  text: string;
  title?: string;
}

/**
 * The header's rollout words for `env`. An environment no deployer deploys is explained here, once, rather than on
 * each of its cells; when nothing promotes into it (`first`), it is where versions arrive.
 */
export function envRolloutWords(env: string, rollout: EnvColumn['rollout'], first: boolean, target?: string): EnvRolloutWords {
  if (rollout === 'NotDeployed') {
    return first
      ? { text: 'not deployed: versions arrive here first', title: `No deployer deploys ${env}: new versions are pushed here and promoted onward from here.` }
      : { text: ROLLOUT_WORDS.NotDeployed, title: `No deployer deploys ${env}: its versions are kept in the repo only.` };
  }
  return { text: ROLLOUT_WORDS[rollout], ...(target ? { title: `deployed to ${target}` } : {}) };
}
