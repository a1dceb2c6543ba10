// The dashboard's views. Each reads the admin API and fills the element it is given; the app
// swaps that element in when the view is ready, so a slow answer never overwrites a newer view.

import { ApiError, get, post, put } from './api.js';
import { lineChart } from './charts.js';
import { fill, fixed, h, percent, short, time, whole } from './dom.js';
import { sortableTable } from './table.js';

/** Computations charted. */
const HISTORY = 200;
/** Miners charted in the overview, the highest weights first. */
const TOP = 8;

// ---------------------------------------------------------------------------------------------
// Miners x tasks

const OUTCOMES_TITLE = 'requests assigned in the scored period \u00b7 of which rate-limited (429) \u00b7 failed';

function minerColumns(withMiner) {
  const columns = [
    { key: 'task', label: 'Task' },
    { key: 'declared', label: 'Declared', num: true, render: (r) => whole(r.declared),
      title: 'c: work units declared for the current period (live)' },
    { key: 'consumed', label: 'Consumed', num: true, render: (r) => whole(r.consumed),
      title: 'work units served in the scored period' },
    { key: 'requests', label: 'Outcomes', num: true, title: OUTCOMES_TITLE,
      render: (r) => (r.requests === null ? '\u2013'
        : `${whole(r.requests)} \u00b7 ${whole(r.rate_limited)} \u00b7 ${whole(r.failed)}`) },
    { key: 'quality', label: 'Quality', num: true, render: (r) => fixed(r.quality, 3),
      title: 'Q over the checked answers of the quality window (\u2013: none checked yet)' },
    { key: 'bonus', label: 'Speed bonus', num: true, render: (r) => fixed(r.bonus, 3) },
    { key: 'period_score', label: 'Period score', num: true, render: (r) => fixed(r.period_score, 3),
      title: 'PS of the scored period: min(PS, PS_window)' },
    { key: 'verified_volume', label: 'Verified volume', num: true, render: (r) => whole(r.verified_volume) },
    { key: 'task_score', label: 'Task score', num: true, render: (r) => fixed(r.task_score, 4),
      title: "t: the miner's share of this task's weight" },
  ];
  if (withMiner) {
    columns.unshift({
      key: 'name', label: 'Miner', value: (r) => r.name,
      render: (r) => h('span', {},
        h('a', { href: '#miner/' + encodeURIComponent(r.hotkey), class: 'miner-link' }, r.name),
        h('br'), h('code', { class: 'hotkey', title: r.hotkey }, short(r.hotkey))),
    });
    columns.push({ key: 'weight', label: 'Weight', num: true, render: (r) => fixed(r.weight, 4),
      title: "the miner's weight in the latest computation (all tasks)" });
  }
  return columns;
}

function scoredAt(miners) {
  return miners.computed_at === null
    ? 'No weights computed yet: scores show once the first computation has run.'
    : `Scores of period ${miners.scored_period}, computed ${time(miners.computed_at)}. Declared is live (this period).`;
}

export async function minersView(target) {
  const [miners, weights] = await Promise.all([get('miners'), get('weights')]);
  const rows = [];
  for (const m of miners.miners) {
    for (const [task, t] of Object.entries(m.tasks)) {
      rows.push({ hotkey: m.hotkey, name: m.name, task, ...t, weight: weights.weights[m.hotkey] ?? null });
    }
  }
  fill(target,
    h('h2', {}, 'Miners and tasks'),
    h('p', { class: 'muted' }, scoredAt(miners), ` ${miners.miners.length} miners. Click a header to sort.`),
    h('div', { class: 'scroll' }, sortableTable('miners-table', minerColumns(true), rows, {
      sort: 'weight', desc: true, empty: 'No miners are configured.',
      rowAttrs: (r) => ({ 'data-hotkey': r.hotkey, 'data-task': r.task }),
    })));
}

export async function minerView(target, hotkey) {
  const [miners, weights, history, scores] = await Promise.all([get('miners'), get('weights'),
    get('weights/history?limit=' + HISTORY), get('scores/history?limit=' + HISTORY)]);
  const miner = miners.miners.find((m) => m.hotkey === hotkey);
  if (!miner) {
    fill(target, h('p', { class: 'error' }, 'No miner with hotkey ' + hotkey + '.'),
      h('p', {}, h('a', { href: '#miners' }, 'All miners')));
    return;
  }
  const rows = Object.entries(miner.tasks).map(([task, t]) => ({ task, ...t }));
  const columns = minerColumns(false).concat([
    { key: 'concurrency', label: 'Concurrency', num: true, render: (r) => whole(r.concurrency) },
    { key: 'asked', label: 'Asked', num: true, render: (r) => whole(r.asked), title: 'asked so far this period (live)' },
    { key: 'in_flight', label: 'In flight', num: true, render: (r) => whole(r.in_flight) },
    { key: 'window_score', label: 'Window score', num: true, render: (r) => fixed(r.window_score, 3) },
    { key: 'checked', label: 'Checked', num: true, render: (r) => whole(r.checked) },
  ]);
  const computations = history.history.slice().reverse();
  const snapshots = scores.history.slice().reverse();
  const tasks = Object.keys(miner.tasks);
  fill(target,
    h('p', {}, h('a', { href: '#miners' }, '\u2190 All miners')),
    h('h2', { id: 'miner-name' }, miner.name),
    h('p', {}, 'Hotkey ', h('code', { id: 'miner-hotkey' }, miner.hotkey)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Weight'), h('dd', {}, fixed(weights.weights[hotkey] ?? null, 6)),
      h('dt', {}, 'Integer weight'), h('dd', {}, whole(weights.weights_u16[hotkey] ?? null)),
      h('dt', {}, 'Computed'), h('dd', {}, time(weights.computed_at))),
    h('p', { class: 'muted' }, scoredAt(miners)),
    h('div', { class: 'scroll' }, sortableTable('miner-tasks', columns, rows, { sort: 'task' })),
    h('div', { class: 'charts' },
      lineChart([{ name: miner.name, points: computations.map((c) => [c.computed_at, c.weights[hotkey] ?? null]) }],
        { title: 'Weight over time', id: 'miner-weight-chart', yMin: 0 }),
      lineChart(tasks.map((task) => ({ name: task,
        points: snapshots.map((x) => [x.computed_at, x.miners[hotkey]?.[task]?.quality ?? null]) })),
      { title: 'Quality over time, by task', id: 'miner-quality-chart', yMin: 0, yMax: 1, legend: true,
        empty: 'No checked answers yet.' }),
      lineChart(tasks.map((task) => ({ name: task,
        points: snapshots.map((x) => [x.computed_at, x.miners[hotkey]?.[task]?.task_score ?? null]) })),
      { title: 'Task score over time, by task', id: 'miner-score-chart', yMin: 0, legend: true })));
}

// ---------------------------------------------------------------------------------------------
// Weights over time

export async function weightsView(target) {
  const [miners, weights, history, scores] = await Promise.all([get('miners'), get('weights'),
    get('weights/history?limit=' + HISTORY), get('scores/history?limit=' + HISTORY)]);
  const names = new Map(miners.miners.map((m) => [m.hotkey, m.name]));
  const ranked = Object.keys(weights.weights).sort((a, b) => weights.weights[b] - weights.weights[a]);
  const charted = ranked.slice(0, TOP);
  const computations = history.history.slice().reverse();
  const snapshots = scores.history.slice().reverse();
  const tasks = miners.miners.length ? Object.keys(miners.miners[0].tasks) : [];
  const qualityChart = h('div', { id: 'quality-chart-box' });
  const drawQuality = (task) => fill(qualityChart, lineChart(charted.map((hk) => ({
    name: names.get(hk) || short(hk),
    points: snapshots.map((x) => [x.computed_at, x.miners[hk]?.[task]?.quality ?? null]),
  })), { title: `Quality over time: ${task}`, id: 'quality-chart', yMin: 0, yMax: 1, legend: true,
    empty: 'No checked answers of this task yet.' }));
  const select = h('select', { id: 'quality-task', onchange: (e) => drawQuality(e.target.value) },
    tasks.map((t) => h('option', { value: t }, t)));
  if (tasks.length) drawQuality(tasks[0]);
  const status = h('span', { class: 'muted', id: 'compute-status' });
  const compute = h('button', { type: 'button', id: 'compute-button', onclick: async () => {
    compute.disabled = true;
    status.textContent = 'Computing\u2026';
    try {
      const done = await post('weights/compute');
      status.textContent = 'Computed ' + time(done.computed_at) + '. Refresh to see it charted.';
    } catch (e) {
      status.textContent = e.message;
      status.className = 'error';
    } finally {
      compute.disabled = false;
    }
  } }, 'Compute now');
  const rows = ranked.map((hk) => ({ hotkey: hk, name: names.get(hk) || hk, weight: weights.weights[hk],
    u16: weights.weights_u16[hk] }));
  fill(target,
    h('h2', {}, 'Weights'),
    h('p', { class: 'muted' }, `Latest computation ${time(weights.computed_at)}; ${computations.length} charted.`,
      ranked.length > TOP ? ` The ${TOP} highest weights are charted.` : '', ' ', compute, ' ', status),
    h('div', { class: 'charts' },
      lineChart(charted.map((hk) => ({ name: names.get(hk) || short(hk),
        points: computations.map((c) => [c.computed_at, c.weights[hk] ?? null]) })),
      { title: 'Weights over time', id: 'weights-chart', yMin: 0, legend: true }),
      h('div', {}, h('label', { for: 'quality-task' }, 'Task '), select, qualityChart)),
    h('h3', {}, 'Latest weights'),
    sortableTable('weights-table', [
      { key: 'name', label: 'Miner', render: (r) => h('a', { href: '#miner/' + encodeURIComponent(r.hotkey) }, r.name) },
      { key: 'hotkey', label: 'Hotkey', render: (r) => h('code', { title: r.hotkey }, short(r.hotkey)) },
      { key: 'weight', label: 'Weight', num: true, render: (r) => fixed(r.weight, 6) },
      { key: 'u16', label: 'Integer weight', num: true, render: (r) => whole(r.u16) },
    ], rows, { sort: 'weight', desc: true, empty: 'No weights computed yet.' }));
}

// ---------------------------------------------------------------------------------------------
// Task-weight editor

export async function taskWeightsView(target) {
  const [current, changes, miners] = await Promise.all([get('task-weights'),
    get('task-weights/changes?limit=50'), get('miners')]);
  const names = new Map(miners.miners.map((m) => [m.hotkey, m.name]));
  const tasks = Object.keys(current.weights).sort();
  const inputs = tasks.map((task, i) => h('input', { type: 'number', id: 'tw-' + i, 'data-task': task,
    min: 0, max: 1, step: 'any', value: current.weights[task], required: true }));
  const applied = tasks.map((task) => h('span', { class: 'muted', 'data-applied': task }));
  const showApplied = (weights) => applied.forEach((span, i) => {
    span.textContent = 'applied ' + Number(weights[tasks[i]]).toFixed(4);
  });
  showApplied(current.weights);
  const sum = h('output', { id: 'tw-sum' });
  const preview = h('div', { id: 'preview' });
  const status = h('p', { id: 'apply-status', role: 'status' });
  const previewButton = h('button', { type: 'button', id: 'preview-button' }, 'Preview');
  const applyButton = h('button', { type: 'button', id: 'apply-button', disabled: true }, 'Apply');
  const changeLog = h('div', { id: 'changes' });
  let previewed = null;

  const proposed = () => Object.fromEntries(inputs.map((input) => [input.dataset.task, Number(input.value)]));
  const onEdit = () => {
    const total = Object.values(proposed()).reduce((a, b) => a + b, 0);
    sum.textContent = 'Sum ' + total.toFixed(6);
    sum.className = Math.abs(total - 1) > 1e-9 ? 'error' : 'ok';
    applyButton.disabled = true;
    if (previewed) preview.classList.add('stale');
    previewed = null;
  };
  inputs.forEach((input) => input.addEventListener('input', onEdit));
  onEdit();

  previewButton.addEventListener('click', async () => {
    const weights = proposed();
    status.textContent = '';
    status.className = '';
    try {
      const result = await post('task-weights/preview', { weights });
      previewed = JSON.stringify(weights);
      preview.classList.remove('stale');
      const rows = Object.keys(result.weights).map((hk) => ({ hotkey: hk, name: names.get(hk) || hk,
        now: result.latest.weights[hk] ?? 0, after: result.weights[hk],
        change: result.weights[hk] - (result.latest.weights[hk] ?? 0) }));
      fill(preview,
        h('p', { class: 'muted' }, `The latest computation (${time(result.computed_at)}) weighed with these task weights. Nothing changes until you apply.`),
        sortableTable('preview-table', [
          { key: 'name', label: 'Miner' },
          { key: 'now', label: 'Weight now', num: true, render: (r) => fixed(r.now, 6) },
          { key: 'after', label: 'Weight after', num: true, render: (r) => fixed(r.after, 6) },
          { key: 'change', label: 'Change', num: true, render: (r) => (r.change >= 0 ? '+' : '') + fixed(r.change, 6) },
        ], rows, { sort: 'after', desc: true, rowAttrs: (r) => ({ 'data-hotkey': r.hotkey }) }));
      applyButton.disabled = false;
    } catch (e) {
      fill(preview, h('p', { class: 'error', id: 'preview-error' }, e.message));
      if (!(e instanceof ApiError)) throw e;
    }
  });

  applyButton.addEventListener('click', async () => {
    if (previewed === null || previewed !== JSON.stringify(proposed())) return;
    applyButton.disabled = true;
    try {
      const change = await put('task-weights', { weights: JSON.parse(previewed) });
      status.className = 'ok';
      status.textContent = `Applied ${time(change.at)} (${change.source}); it counts from the next computation.`;
      previewed = null;
      showApplied(change.now);
      drawChanges((await get('task-weights/changes?limit=50')).changes);
    } catch (e) {
      status.className = 'error';
      status.textContent = e.message;
      if (!(e instanceof ApiError)) throw e;
    }
  });

  const drawChanges = (list) => fill(changeLog, sortableTable('changes-table', [
    { key: 'at', label: 'When', num: true, render: (r) => time(r.at) },
    { key: 'source', label: 'Source' },
    { key: 'old', label: 'From', value: (r) => JSON.stringify(r.old), render: (r) => weightsText(r.old) },
    { key: 'now', label: 'To', value: (r) => JSON.stringify(r.now), render: (r) => weightsText(r.now) },
  ], list, { sort: 'at', desc: true, empty: 'No changes recorded.' }));
  drawChanges(changes.changes);

  fill(target,
    h('h2', {}, 'Task weights'),
    h('p', { class: 'muted' }, 'Each configured task, non-negative, summing to 1. Preview shows the weights the latest scores would give; Apply records the change, which counts from the next computation.'),
    h('form', { class: 'editor', id: 'task-weights-form', onsubmit: (e) => e.preventDefault() },
      tasks.map((task, i) => h('div', { class: 'field' }, h('label', { for: 'tw-' + i }, task), applied[i], inputs[i])),
      h('div', { class: 'actions' }, sum, previewButton, applyButton)),
    status,
    preview,
    h('h3', {}, 'Changes'),
    changeLog);
}

function weightsText(weights) {
  const entries = Object.entries(weights || {});
  return entries.length ? entries.map(([t, w]) => `${t} ${Number(w).toFixed(4)}`).join(', ') : '\u2013';
}

// ---------------------------------------------------------------------------------------------
// Keys and their usage

const USAGE_LISTED = 50;

function usageTotals(usage) {
  const total = { requests: 0, units: 0, charged: 0 };
  for (const tasks of Object.values(usage || {})) {
    for (const u of Object.values(tasks)) {
      total.requests += u.requests || 0;
      total.units += u.units || 0;
      total.charged += u.charged || 0;
    }
  }
  return total;
}

/** An ISO-8601 instant in local time, as given when it does not parse. */
function instant(text) {
  const millis = Date.parse(text);
  return Number.isFinite(millis) ? time(millis) : text;
}

export async function keysView(target) {
  const list = (await get('keys')).keys;
  const details = await Promise.all(list.slice(0, USAGE_LISTED).map((k) =>
    get('keys/' + encodeURIComponent(k.prefix)).catch(() => null)));
  const rows = list.map((k, i) => {
    const total = details[i] ? usageTotals(details[i].usage_by_day) : null;
    return { ...k, requests: total && total.requests, units: total && total.units, charged: total && total.charged };
  });
  const limit = (n) => (n ? whole(n) : 'no limit');
  fill(target,
    h('h2', {}, 'API keys'),
    h('p', { class: 'muted' }, `${list.length} keys; usage over the last 31 days (UTC)`,
      list.length > USAGE_LISTED ? `, shown for the first ${USAGE_LISTED}: open a key for its own` : '', '.'),
    h('div', { class: 'scroll' }, sortableTable('keys-table', [
      { key: 'name', label: 'Name', render: (r) => h('a', { href: '#key/' + encodeURIComponent(r.prefix) }, r.name) },
      { key: 'prefix', label: 'Prefix', render: (r) => h('code', {}, r.prefix) },
      { key: 'role', label: 'Role' },
      { key: 'requests_per_minute', label: 'Requests/min', num: true, render: (r) => limit(r.requests_per_minute) },
      { key: 'units_per_minute', label: 'Units/min', num: true, render: (r) => limit(r.units_per_minute) },
      { key: 'credit', label: 'Credit', num: true, render: (r) => (r.credit === null ? 'unlimited' : fixed(r.credit, 2)) },
      { key: 'created_at', label: 'Created', render: (r) => instant(r.created_at) },
      { key: 'requests', label: 'Requests (31 d)', num: true, render: (r) => whole(r.requests) },
      { key: 'units', label: 'Units (31 d)', num: true, render: (r) => whole(r.units) },
      { key: 'charged', label: 'Charged (31 d)', num: true, render: (r) => fixed(r.charged, 4) },
    ], rows, { sort: 'requests', desc: true, empty: 'No keys.', rowAttrs: (r) => ({ 'data-prefix': r.prefix }) })));
}

export async function keyView(target, prefix) {
  const key = await get('keys/' + encodeURIComponent(prefix));
  const days = Object.keys(key.usage_by_day).sort();
  const tasks = [...new Set(days.flatMap((d) => Object.keys(key.usage_by_day[d])))].sort();
  const at = (day) => Date.parse(day + 'T00:00:00Z');
  const series = (field) => tasks.map((task) => ({ name: task,
    points: days.map((d) => [at(d), key.usage_by_day[d][task]?.[field] ?? 0]) }));
  const rows = days.flatMap((d) => Object.entries(key.usage_by_day[d]).map(([task, u]) => ({ day: d, task, ...u })));
  fill(target,
    h('p', {}, h('a', { href: '#keys' }, '\u2190 All keys')),
    h('h2', {}, key.name, ' ', h('code', {}, key.prefix)),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Role'), h('dd', {}, key.role),
      h('dt', {}, 'Requests per minute'), h('dd', {}, key.requests_per_minute || 'no limit'),
      h('dt', {}, 'Units per minute'), h('dd', {}, key.units_per_minute || 'no limit'),
      h('dt', {}, 'Credit'), h('dd', {}, key.credit === null ? 'unlimited' : fixed(key.credit, 4)),
      h('dt', {}, 'Created'), h('dd', {}, instant(key.created_at))),
    h('div', { class: 'charts' },
      lineChart(series('requests'), { title: 'Requests per day (UTC), by task', id: 'key-requests-chart', yMin: 0, legend: true,
        empty: 'No use in the last 31 days.' }),
      lineChart(series('units'), { title: 'Work units per day, by task', id: 'key-units-chart', yMin: 0, legend: true,
        empty: 'No use in the last 31 days.' })),
    sortableTable('key-usage', [
      { key: 'day', label: 'Day' },
      { key: 'task', label: 'Task' },
      { key: 'requests', label: 'Requests', num: true, render: (r) => whole(r.requests) },
      { key: 'units', label: 'Units', num: true, render: (r) => whole(r.units) },
      { key: 'charged', label: 'Charged', num: true, render: (r) => fixed(r.charged, 4) },
    ], rows, { sort: 'day', desc: true, empty: 'No use in the last 31 days.' }));
}

// ---------------------------------------------------------------------------------------------
// Traffic

export async function trafficView(target) {
  const minutes = (await get('traffic?minutes=120')).minutes;
  const line = (name, field) => ({ name, points: minutes.map((m) => [m.at, m[field]]) });
  const total = minutes.slice(-60).reduce((t, m) => ({ requests: t.requests + m.requests,
    errors: t.errors + m.client_errors + m.rate_limited + m.server_errors }), { requests: 0, errors: 0 });
  fill(target,
    h('h2', {}, 'Traffic'),
    h('p', { class: 'muted' }, `This gateway's user API (/v1) by minute, kept in memory for two hours. Last hour: ${whole(total.requests)} requests, ${whole(total.errors)} errors (${percent(total.requests ? total.errors / total.requests : 0, 1)}).`),
    h('div', { class: 'charts' },
      lineChart([line('Requests', 'requests')], { title: 'Requests per minute', id: 'traffic-chart', yMin: 0 }),
      lineChart([line('4xx', 'client_errors'), line('429', 'rate_limited'), line('5xx', 'server_errors')],
        { title: 'Errors per minute', id: 'errors-chart', yMin: 0, legend: true }),
      lineChart([line('mean', 'mean_ms'), line('p50', 'p50_ms'), line('p95', 'p95_ms'), line('p99', 'p99_ms')],
        { title: 'Latency (ms)', id: 'latency-chart', yMin: 0, legend: true, empty: 'No requests in the last two hours.' })));
}
