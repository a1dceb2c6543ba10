// Tables sortable by clicking a column's header (again to reverse); a table's order is kept
// across refreshes by its id.

import { fill, h } from './dom.js';

const orders = new Map();

/**
 * @param id the table's id (keeps its order)
 * @param columns [{key, label, title?, num?, value(row) for sorting, render(row) -> text or Node}]
 * @param rows the data
 * @param options {sort: default key, desc: default direction, rowAttrs(row) -> attributes, empty}
 */
export function sortableTable(id, columns, rows, options = {}) {
  const table = h('table', { class: 'grid', id });
  const order = orders.get(id) || { key: options.sort || columns[0].key, desc: !!options.desc };
  const head = h('thead');
  const body = h('tbody');
  table.append(head, body);

  const draw = () => {
    const column = columns.find((c) => c.key === order.key) || columns[0];
    const value = column.value || ((row) => row[column.key]);
    const sorted = rows.slice().sort((a, b) => compare(value(a), value(b), order.desc));
    fill(head, h('tr', {}, columns.map((c) => {
      const sortedHere = c.key === order.key;
      return h('th', {
        scope: 'col',
        class: c.num ? 'num' : undefined,
        'data-key': c.key,
        title: c.title,
        'aria-sort': sortedHere ? (order.desc ? 'descending' : 'ascending') : 'none',
      }, h('button', { type: 'button', onclick: () => {
        order.desc = order.key === c.key ? !order.desc : !!c.num;
        order.key = c.key;
        orders.set(id, order);
        draw();
      } }, c.label, sortedHere ? (order.desc ? ' \u25BE' : ' \u25B4') : ''));
    })));
    if (sorted.length === 0) {
      fill(body, h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, options.empty || 'Nothing yet.')));
      return;
    }
    fill(body, sorted.map((row) => h('tr', options.rowAttrs ? options.rowAttrs(row) : {},
      columns.map((c) => h('td', { class: c.num ? 'num' : undefined, 'data-key': c.key },
        c.render ? c.render(row) : row[c.key])))));
  };
  draw();
  return table;
}

/** Nulls last whatever the direction; numbers as numbers, the rest as text. */
function compare(a, b, desc) {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull === bNull ? 0 : aNull ? 1 : -1;
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return desc ? -c : c;
}
