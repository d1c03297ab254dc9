// Which rows the matrix shows, in which order: filtered, grouped by folder, flattened for the virtual list.
import type { ResourceRow } from './dashboard.ts';

/** Height of one matrix row in px: the virtual list places rows by it, and the stream's first event holds a screenful. */
export const MATRIX_ROW_PX = 44;

/** Row filters the toolbar offers. */
export type RowFilter =
  | 'all'
  /** Some cell failed, or has a file that cannot be read. */
  | 'failed'
  /** Some cell is rolling out or outdated. */
  | 'moving'
  /** Some environment has a different version waiting in its source. */
  | 'waiting'
  /** The resource is locked somewhere. */
  | 'locked';

/** The row filters in the order the toolbar offers them, with their words. */
export const ROW_FILTERS: ReadonlyArray<{ value: RowFilter; label: string }> = [
  { value: 'all', label: 'All resources' },
  { value: 'waiting', label: 'Waiting to be promoted' },
  { value: 'moving', label: 'Rolling out or outdated' },
  { value: 'failed', label: 'Failed or broken' },
  { value: 'locked', label: 'Locked' },
];

/** Tells whether `value` names a row filter (from a URL). */
export function isRowFilter(value: string): value is RowFilter {
  return ROW_FILTERS.some((option) => option.value === value);
}

/** One line of the virtual list: a folder heading or a resource row. */
export type MatrixItem = { kind: 'folder'; folder: string; count: number; collapsed: boolean } | { kind: 'row'; row: ResourceRow };

/** What the user asked for in the toolbar. */
export interface RowQuery {
  /** Case-insensitive text found in the name or any version. */
  text: string;
  filter: RowFilter;
  collapsed: ReadonlySet<string>;
}

/** Filters and groups rows (already sorted by folder, then name) into the list the matrix renders. */
export function matrixItems(rows: readonly ResourceRow[], query: RowQuery): MatrixItem[] {
  const text = query.text.trim().toLowerCase();
  const items: MatrixItem[] = [];
  let heading: Extract<MatrixItem, { kind: 'folder' }> | undefined;
  for (const row of rows) {
    if (!matchesText(row, text) || !matchesFilter(row, query.filter)) continue;
    if (heading?.folder !== row.folder) {
      // Every folder gets a heading, top-level resources ('') included, so each group can be collapsed.
      heading = { kind: 'folder', folder: row.folder, count: 0, collapsed: query.collapsed.has(row.folder) };
      items.push(heading);
    }
    heading.count++;
    if (!heading.collapsed) items.push({ kind: 'row', row });
  }
  return items;
}

function matchesText(row: ResourceRow, text: string): boolean {
  if (text === '') return true;
  if (row.name.toLowerCase().includes(text)) return true;
  return row.cells.some((cell) => cell.version?.toLowerCase().includes(text));
}

function matchesFilter(row: ResourceRow, filter: RowFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'failed':
      return row.cells.some((cell) => cell.status === 'failed' || cell.status === 'broken');
    case 'moving':
      return row.cells.some((cell) => cell.status === 'progress' || cell.status === 'outdated');
    case 'waiting':
      return row.cells.some((cell) => cell.waiting !== undefined);
    case 'locked':
      return row.cells.some((cell) => cell.lockReasons.length > 0);
  }
}

/** The slice of a fixed-height list that is visible, with `overscan` extra items each side. */
export function visibleRange(scrollTop: number, viewportHeight: number, itemHeight: number, total: number, overscan = 8): { start: number; end: number } {
  const start = Math.max(0, Math.floor(scrollTop / itemHeight) - overscan);
  const end = Math.min(total, Math.ceil((scrollTop + viewportHeight) / itemHeight) + overscan);
  return { start, end: Math.max(start, end) };
}
