// Plain-text tables for the terminal: columns padded to their widest cell, no colours, stable for copy and paste.

/** Formats rows under a header, each column as wide as its widest cell. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The first seven hex digits of a commit id, as git shows it. */
export function shortCommit(commit: string | null | undefined): string {
  return commit ? commit.slice(0, 7) : '-';
}
