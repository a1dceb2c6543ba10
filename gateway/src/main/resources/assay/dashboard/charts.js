// Line charts drawn as SVG: no library, no canvas, so they scale, print and can be read by tests.

import { h, s } from './dom.js';

const W = 720;
const H = 220;
const M = { l: 56, r: 16, t: 12, b: 28 };
const COLOURS = 8;
const MINUTE = 60_000;
const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MINUTE);

/**
 * A line chart of time series.
 *
 * @param series [{name, points: [[epochMillis, y or null], ...]}]; a null y is a gap
 * @param options {title, id, yMin, yMax, format(y) for the axis and tips, empty (text)}
 * @returns a <figure> with the plot and its legend
 */
export function lineChart(series, options = {}) {
  const figure = h('figure', { class: 'chart', id: options.id });
  if (options.title) figure.append(h('figcaption', {}, options.title));
  const known = series.flatMap((x) => x.points.filter(([, y]) => isNumber(y)));
  if (known.length === 0) {
    figure.append(h('p', { class: 'empty' }, options.empty || 'No data yet.'));
    return figure;
  }
  // The time axis spans every point, gaps included, so charts of one series line up.
  const xs = series.flatMap((x) => x.points.map(([t]) => t));
  let x0 = Math.min(...xs);
  let x1 = Math.max(...xs);
  if (x0 === x1) {
    x0 -= MINUTE;
    x1 += MINUTE;
  }
  const ys = known.map(([, y]) => y);
  let y0 = options.yMin ?? Math.min(0, ...ys);
  let y1 = options.yMax ?? Math.max(...ys);
  if (y1 <= y0) y1 = y0 + (y0 === 0 ? 1 : Math.abs(y0));
  const ticks = niceTicks(y0, y1, 5);
  y0 = Math.min(y0, ticks[0]);
  y1 = Math.max(y1, ticks[ticks.length - 1]);
  const format = options.format || tickFormat(ticks);
  const X = (x) => M.l + ((x - x0) / (x1 - x0)) * (W - M.l - M.r);
  const Y = (y) => H - M.b - ((y - y0) / (y1 - y0)) * (H - M.t - M.b);

  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot', role: 'img',
    'aria-label': options.title || 'chart', preserveAspectRatio: 'xMidYMid meet' });
  for (const t of ticks) {
    svg.append(s('line', { x1: M.l, x2: W - M.r, y1: Y(t), y2: Y(t), class: 'grid' }));
    svg.append(s('text', { x: M.l - 6, y: Y(t) + 4, class: 'tick', 'text-anchor': 'end' }, format(t)));
  }
  for (const t of timeTicks(x0, x1, 6)) {
    svg.append(s('line', { x1: X(t), x2: X(t), y1: H - M.b, y2: H - M.b + 4, class: 'axis' }));
    svg.append(s('text', { x: X(t), y: H - 8, class: 'tick', 'text-anchor': 'middle' },
      timeLabel(t, x1 - x0)));
  }
  svg.append(s('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b, class: 'axis' }));

  series.forEach((line, i) => {
    const colour = 'c' + (i % COLOURS);
    let d = '';
    let pen = false;
    for (const [x, y] of line.points) {
      if (!isNumber(y)) {
        pen = false;
        continue;
      }
      d += (pen ? 'L' : 'M') + X(x).toFixed(1) + ' ' + Y(y).toFixed(1);
      pen = true;
    }
    if (d) svg.append(s('path', { d, class: 'line ' + colour }));
    const dots = line.points.filter(([, y]) => isNumber(y));
    if (dots.length <= 60) {
      for (const [x, y] of dots) {
        svg.append(s('circle', { cx: X(x).toFixed(1), cy: Y(y).toFixed(1), r: 2.5, class: 'dot ' + colour },
          s('title', {}, `${line.name}: ${format(y)} at ${new Date(x).toLocaleString('en-GB')}`)));
      }
    }
  });
  figure.append(svg);
  if (series.length > 1 || options.legend) {
    figure.append(h('ul', { class: 'legend' }, series.map((line, i) =>
      h('li', {}, h('span', { class: 'swatch c' + (i % COLOURS) }), line.name))));
  }
  return figure;
}

function isNumber(y) {
  return typeof y === 'number' && Number.isFinite(y);
}

/** About n round values covering [lo, hi]. */
export function niceTicks(lo, hi, n) {
  const raw = (hi - lo) / n;
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((st) => (hi - lo) / st <= n) || 10 * magnitude;
  const out = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    out.push(Number(t.toPrecision(12)));
  }
  if (out[out.length - 1] < hi) out.push(Number((out[out.length - 1] + step).toPrecision(12)));
  return out;
}

function tickFormat(ticks) {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step)) + (step < 1 ? 1 : 0)));
  return (y) => (Math.abs(y) >= 10_000 ? Math.round(y).toLocaleString('en-US') : y.toFixed(decimals));
}

function timeTicks(x0, x1, n) {
  const step = TIME_STEPS.find((st) => (x1 - x0) / st <= n) || Math.ceil((x1 - x0) / n / 86_400_000) * 86_400_000;
  const offset = step >= 86_400_000 ? new Date(x0).getTimezoneOffset() * MINUTE : 0;
  const out = [];
  for (let t = Math.ceil((x0 - offset) / step) * step + offset; t <= x1; t += step) out.push(t);
  return out;
}

function timeLabel(t, span) {
  const d = new Date(t);
  const hm = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (span < 36 * 3_600_000) return hm;
  const day = d.toLocaleDateString('en-CA').slice(5);
  return span < 7 * 86_400_000 ? `${day} ${hm}` : day;
}
