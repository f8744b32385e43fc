// Small formatting and DOM helpers shared by the page's modules.

/** Creates an element: el('li', { class: 'x', dataset: { t: 1 } }, 'text', child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** 0x3fa2…9c1d */
export function shortHash(hash, head = 6, tail = 4) {
  return hash.length <= head + tail + 1 ? hash : `${hash.slice(0, head)}…${hash.slice(-tail)}`;
}

export function integer(value) {
  return Math.round(value).toLocaleString('en-US');
}

export function decimal(value, digits) {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "just now", "12s ago", "4m ago" */
export function ago(time, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  if (seconds < 2) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m ago` : `${Math.floor(minutes / 60)}h ago`;
}

export function clock(time) {
  return new Date(time).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** A <time> whose text the page refreshes every second ("3s ago"). */
export function relativeTime(time) {
  return el('time', { datetime: new Date(time).toISOString(), dataset: { t: time } }, ago(time));
}

/** Refreshes every relative time on the page once a second. */
export function startClock() {
  setInterval(() => {
    const now = Date.now();
    for (const node of document.querySelectorAll('time[data-t]')) node.textContent = ago(Number(node.dataset.t), now);
  }, 1000);
}

/** A round avatar with the name's initial, in a colour derived from the name. */
export function avatar(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.codePointAt(0)) >>> 0;
  const initial = [...name.trim()][0]?.toUpperCase() ?? '?';
  return el('span', { class: 'avatar', style: `background: hsl(${hash % 360} 62% 52%)`, title: name, 'aria-hidden': 'true' }, initial);
}

/** A short message in the corner that goes away by itself. */
export function toast(message) {
  const node = el('div', { class: 'toast', role: 'alert' }, message);
  document.getElementById('toasts').append(node);
  setTimeout(() => node.remove(), 5000);
}
