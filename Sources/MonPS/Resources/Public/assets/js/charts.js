// Charts drawn by the app as SVG (no chart library): line, horizontal bars, columns and a day × hour heatmap.
// Colours come from classes in app.css (so dark mode applies); every chart has a role="img" label and a table or
// text alternative is shown next to it by the pages.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Width available to a chart: the main column, bounded. */
function width() {
  const main = document.getElementById('main');
  const available = (main?.clientWidth || window.innerWidth) - 48;
  return Math.max(280, Math.min(available, 1000));
}

function svg(w, h, label) {
  return s('svg', { viewBox: `0 0 ${w} ${h}`, width: w, height: h, role: 'img', 'aria-label': label, class: 'chart' }, s('title', {}, label));
}

function ticks(min, max, count = 4) {
  if (min === max) { min -= 1; max += 1; }
  const step = niceStep((max - min) / count);
  const out = [];
  // From the step at or below the minimum to the one at or above the maximum: every value is inside the axis.
  const first = Math.floor(min / step + 1e-9) * step;
  const last = Math.ceil(max / step - 1e-9) * step;
  for (let v = first; v <= last + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}
function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/**
 * series: [{name, points: [{x: Date|number, y: number}]}]; options: {label, yFormat, xFormat, height}
 */
export function lineChart(series, { label = '', yFormat = String, xFormat = (x) => String(x), height = 240 } = {}) {
  const w = width();
  const pad = { l: 64, r: 12, t: 12, b: 28 };
  const all = series.flatMap((ser) => ser.points);
  const root = svg(w, height + (series.length > 1 ? 22 * Math.ceil(series.length / 3) : 0), label);
  if (!all.length) { root.append(s('text', { x: w / 2, y: height / 2, class: 'axis', 'text-anchor': 'middle' }, '—')); return root; }
  const xs = all.map((p) => +p.x);
  const ys = all.map((p) => p.y);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [ylo, yhi] = [Math.min(...ys), Math.max(...ys)];
  const spread = Math.abs(yhi) * 0.02 + 1e-6;
  if (yhi - ylo < spread) { ylo -= spread; yhi += spread; } // a flat series gets a visible band, not repeated labels
  const yt = ticks(ylo, yhi);
  const [y0, y1] = [yt[0], yt[yt.length - 1]];
  const X = (x) => pad.l + (x1 === x0 ? (w - pad.l - pad.r) / 2 : ((x - x0) / (x1 - x0)) * (w - pad.l - pad.r));
  const Y = (y) => pad.t + (1 - (y - y0) / (y1 - y0 || 1)) * (height - pad.t - pad.b);
  for (const v of yt) {
    root.append(s('line', { x1: pad.l, x2: w - pad.r, y1: Y(v), y2: Y(v), class: 'grid' }));
    root.append(s('text', { x: pad.l - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'axis' }, yFormat(v)));
  }
  const xticks = x1 === x0 ? [x0] : [x0, x0 + (x1 - x0) / 2, x1];
  xticks.forEach((x, i) => root.append(s('text', { x: X(x), y: height - 8, 'text-anchor': i === 0 ? 'start' : i === xticks.length - 1 ? 'end' : 'middle', class: 'axis' }, xFormat(x))));
  series.forEach((ser, i) => {
    const pts = [...ser.points].sort((a, b) => +a.x - +b.x);
    const d = pts.map((p, j) => `${j ? 'L' : 'M'}${X(+p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join('');
    root.append(s('path', { d, class: `line s${i % 8}` }, s('title', {}, ser.name)));
    if (pts.length === 1) root.append(s('circle', { cx: X(+pts[0].x), cy: Y(pts[0].y), r: 3, class: `dot s${i % 8}` }));
  });
  if (series.length > 1) {
    series.forEach((ser, i) => {
      const col = i % 3;
      const row = Math.floor(i / 3);
      const lx = pad.l + col * ((w - pad.l) / 3);
      const ly = height + 14 + row * 22;
      root.append(s('rect', { x: lx, y: ly - 9, width: 12, height: 4, class: `key s${i % 8}` }));
      root.append(s('text', { x: lx + 16, y: ly - 3, class: 'axis' }, ser.name));
    });
  }
  return root;
}

/** items: [{label, value}] as horizontal bars; negative values go left of the zero line. */
export function barChart(items, { label = '', format = String } = {}) {
  const w = width();
  const row = 26;
  const labelW = Math.min(140, w * 0.35);
  const h = Math.max(row, items.length * row) + 8;
  const root = svg(w, h, label);
  if (!items.length) return root;
  const values = items.map((i) => i.value ?? 0);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const plotL = labelW + 8;
  const plotW = w - plotL - 70;
  const X = (v) => plotL + ((v - lo) / span) * plotW;
  items.forEach((item, i) => {
    const y = 4 + i * row;
    const v = item.value ?? 0;
    root.append(s('text', { x: labelW, y: y + 16, 'text-anchor': 'end', class: 'axis' }, truncate(item.label, 20)));
    root.append(s('rect', { x: Math.min(X(0), X(v)), y: y + 4, width: Math.max(1, Math.abs(X(v) - X(0))), height: row - 10, class: v < 0 ? 'bar neg' : 'bar pos' }, s('title', {}, `${item.label}: ${format(v)}`)));
    root.append(s('text', { x: Math.max(X(0), X(v)) + 4, y: y + 16, class: 'axis' }, item.value === null || item.value === undefined ? '—' : format(v)));
  });
  root.append(s('line', { x1: X(0), x2: X(0), y1: 0, y2: h, class: 'grid' }));
  return root;
}

/** items: [{label, value}] as vertical columns (a histogram). */
export function columnChart(items, { label = '', format = String, height = 200 } = {}) {
  const w = width();
  const pad = { l: 40, r: 8, t: 10, b: 40 };
  const root = svg(w, height, label);
  if (!items.length) return root;
  const max = Math.max(1, ...items.map((i) => i.value));
  const colW = (w - pad.l - pad.r) / items.length;
  const every = Math.ceil(items.length / Math.max(1, Math.floor((w - pad.l) / 56)));
  items.forEach((item, i) => {
    const hgt = (item.value / max) * (height - pad.t - pad.b);
    const x = pad.l + i * colW;
    root.append(s('rect', { x: x + 1, y: height - pad.b - hgt, width: Math.max(1, colW - 2), height: hgt, class: item.negative ? 'bar neg' : 'bar pos' }, s('title', {}, `${item.label}: ${format(item.value)}`)));
    if (i % every === 0) root.append(s('text', { x: x + colW / 2, y: height - pad.b + 14, 'text-anchor': 'middle', class: 'axis small' }, truncate(item.label, 9)));
  });
  root.append(s('text', { x: pad.l - 4, y: pad.t + 8, 'text-anchor': 'end', class: 'axis' }, format(max)));
  root.append(s('line', { x1: pad.l, x2: w - pad.r, y1: height - pad.b, y2: height - pad.b, class: 'grid' }));
  return root;
}

/** cells: [{weekday 1-7 (Mon..Sun), hour 0-23, value, text}] coloured by sign and magnitude. */
export function heatmap(cells, { label = '', days = ['1', '2', '3', '4', '5', '6', '7'] } = {}) {
  const w = width();
  const left = 36;
  const cw = (w - left - 4) / 24;
  const ch = Math.max(14, Math.min(26, cw * 1.2));
  const h = ch * 7 + 20;
  const root = svg(w, h, label);
  const max = Math.max(1e-9, ...cells.map((c) => Math.abs(c.value || 0)));
  days.forEach((d, i) => root.append(s('text', { x: left - 4, y: i * ch + ch * 0.7, 'text-anchor': 'end', class: 'axis small' }, d)));
  for (let hr = 0; hr < 24; hr += 3) root.append(s('text', { x: left + hr * cw + cw / 2, y: h - 4, 'text-anchor': 'middle', class: 'axis small' }, String(hr)));
  for (let d = 0; d < 7; d++) for (let hr = 0; hr < 24; hr++) {
    root.append(s('rect', { x: left + hr * cw + 1, y: d * ch + 1, width: cw - 2, height: ch - 2, class: 'cell empty' }));
  }
  for (const c of cells) {
    const op = 0.2 + 0.8 * Math.min(1, Math.abs(c.value || 0) / max);
    root.append(s('rect', { x: left + c.hour * cw + 1, y: (c.weekday - 1) * ch + 1, width: cw - 2, height: ch - 2, class: (c.value || 0) < 0 ? 'cell neg' : 'cell pos', 'fill-opacity': op.toFixed(2) }, s('title', {}, c.text)));
  }
  return root;
}

function truncate(text, n) { text = String(text ?? ''); return text.length > n ? `${text.slice(0, n - 1)}…` : text; }
