// The console's tables of things (recordings, users, deliveries): column headers, and each cell labelled by
// its column, which a phone shows beside the value (console.css).

import { h } from '../dom';

type Cell = Node | string;

/** A row: its attributes (e.g. `data-user-id`) and its cells in the columns' order. */
export interface TableRow {
  attrs: Record<string, string>;
  cells: Cell[];
}

/** A table of `rows` under `heads`, marked `data-testid=testid`. */
export function dataTable(testid: string, heads: string[], rows: TableRow[]): HTMLTableElement {
  return h(
    'table',
    { class: 'console-table', testid },
    h('thead', {}, h('tr', {}, ...heads.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...rows.map((row) =>
        h('tr', row.attrs, ...row.cells.map((cell, i) => h('td', { 'data-label': heads[i] }, cell))),
      ),
    ),
  );
}
