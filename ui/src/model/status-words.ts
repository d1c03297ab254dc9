// The words and symbols of each cell status, in one place so the matrix, the detail and the legend agree.
import type { CellStatus } from './dashboard.ts';

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
