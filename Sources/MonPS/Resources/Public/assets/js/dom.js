// Tiny DOM helpers: elements are built with properties and text nodes only (no HTML strings, no inline styles).

/** h('tag.class#id', {attrs, on: {click}}, ...children) */
export function h(spec, props, ...children) {
  const m = /^([a-z0-9-]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g) || []) {
      if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
    }
  }
  if (props && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key in el && !key.includes('-') && key !== 'list' && key !== 'form') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) { while (el.firstChild) el.firstChild.remove(); return el; }

/** A labelled field: label wraps a control; `hint` adds an aria-describedby text. */
let fieldCounter = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldCounter}`;
  control.id = id;
  const parts = [h('label', { htmlFor: id }, label), control];
  if (hint) {
    const hid = `${id}-hint`;
    control.setAttribute('aria-describedby', hid);
    parts.push(h('small.hint', { id: hid }, hint));
  }
  return h('div.field', parts);
}

export function select(name, options, value) {
  return h('select', { name }, options.map(([v, label]) => h('option', { value: v, selected: String(v) === String(value ?? '') }, label)));
}

/** A table from column definitions [{label, value(row) -> node|text, num?: bool}] */
export function table(columns, rows, { caption, empty } = {}) {
  if (!rows.length) return h('p.empty', empty || '—');
  return h('div.table-wrap', { tabindex: 0, role: 'region', 'aria-label': caption || 'table' },
    h('table', caption ? h('caption', caption) : null,
      h('thead', h('tr', columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : '' }, c.label)))),
      h('tbody', rows.map((row) => h('tr', columns.map((c) => h('td', { class: c.num ? 'num' : '', dataset: { label: c.label } }, c.value(row))))))));
}

export function formData(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) out[k] = typeof v === 'string' ? v.trim() : v;
  return out;
}

export function card(title, ...body) {
  return h('section.card', title ? h('h2', title) : null, ...body);
}

export function dl(pairs) {
  return h('dl.facts', pairs.flatMap(([k, v]) => [h('dt', k), h('dd', v)]));
}
