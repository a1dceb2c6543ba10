// Small DOM helpers: elements are built with text nodes, never from HTML strings, so names and
// hotkeys from the API cannot inject markup.

const SVG = 'http://www.w3.org/2000/svg';

/** An element: h('td', {class: 'num', title: '...'}, 'text', childNode, ...). */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, as h. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}

const DASH = '\u2013';

/** A number with a fixed count of decimals, or a dash for null. */
export function fixed(value, decimals) {
  return value === null || value === undefined ? DASH : Number(value).toFixed(decimals);
}

/** A whole number with thousands separators, or a dash. */
export function whole(value) {
  return value === null || value === undefined ? DASH : Math.round(value).toLocaleString('en-US');
}

/** A share as a percentage, or a dash. */
export function percent(value, decimals = 2) {
  return value === null || value === undefined ? DASH : (value * 100).toFixed(decimals) + '%';
}

/** Epoch millis as a local date and time, or a dash. */
export function time(millis) {
  if (millis === null || millis === undefined) return DASH;
  const d = new Date(millis);
  return d.toLocaleDateString('en-CA') + ' ' + d.toLocaleTimeString('en-GB');
}

/** The first and last characters of a long key. */
export function short(hotkey) {
  return hotkey.length > 14 ? hotkey.slice(0, 6) + '\u2026' + hotkey.slice(-6) : hotkey;
}
