// The COMET vs WebSocket table (text and Markdown) and a self-contained HTML page with inline SVG bars.
import { MODES } from './modes.mjs';

const labelOf = (key) => MODES.find((m) => m.key === key)?.short ?? key;

export function fmt(v, digits = 1) {
  if (v === undefined || v === null || Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 100) return Math.round(v).toLocaleString('en-US');
  if (abs >= 10) return v.toFixed(digits);
  return v.toFixed(digits + 1);
}

const ms = (v) => (Number.isFinite(v) ? `${fmt(v)} ms` : '-');
const pct = (v, digits = 0) => (Number.isFinite(v) ? `${v.toFixed(digits)} %` : '-');

export const COLUMNS = [
  ['mode', (r) => labelOf(r.mode)],
  ['clients', (r) => `${r.joined}/${r.clients}`],
  ['updates/s', (r) => fmt(r.updatesPerSecond)],
  ['HTTP req/s', (r) => fmt(r.httpRequestsPerSecond)],
  ['bytes/update up', (r) => fmt(r.bytesUpPerUpdate, 0)],
  ['bytes/update down', (r) => fmt(r.bytesDownPerUpdate, 0)],
  ['latency p50', (r) => ms(r.latency?.p50)],
  ['latency p99', (r) => ms(r.latency?.p99)],
  ['server CPU', (r) => pct(r.serverCpuPct)],
  ['CPU µs/update', (r) => fmt(r.serverCpuUsPerDelivery)],
  ['delivered', (r) => (Number.isFinite(r.deliveredRatio) ? pct(r.deliveredRatio * 100, 1) : '-')],
];

const cellsOf = (results) =>
  results.map((r) => (r.ok ? COLUMNS.map(([, cell]) => cell(r)) : [labelOf(r.mode), 'FAILED', ...COLUMNS.slice(2).map(() => '-')]));

export function textTable(results) {
  const header = COLUMNS.map(([h]) => h);
  const rows = cellsOf(results);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function markdownTable(results) {
  const header = COLUMNS.map(([h]) => h);
  const rows = cellsOf(results);
  return [
    `| ${header.join(' | ')} |`,
    `| --- | ${header
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** One line per mode while the bench runs. */
export function summaryLine(r) {
  const head = `${labelOf(r.mode).padEnd(21)}`;
  if (!r.ok) return `${head} FAILED: ${r.error.split('\n')[0]}`;
  const parts = [
    `${r.joined}/${r.clients} clients`,
    `${fmt(r.httpRequestsPerSecond)} req/s`,
    `${fmt(r.bytesPerUpdate, 0)} B/update (up ${fmt(r.bytesUpPerUpdate, 0)}, down ${fmt(r.bytesDownPerUpdate, 0)})`,
    `p50 ${ms(r.latency.p50)}, p99 ${ms(r.latency.p99)}`,
    `server CPU ${pct(r.serverCpuPct)}`,
    `delivered ${r.delivered}/${r.expected}`,
  ];
  const extra = [
    `${fmt(r.updatesPerSecond)} updates/s published, ${fmt(r.deliveriesPerSecond, 0)} deliveries/s`,
    `load generator CPU ${pct(r.loadgenCpuPct)}`,
  ];
  if (r.http) {
    const h = r.http;
    extra.push(`${fmt(r.bytesPerRequest, 0)} B per request + answer`);
    extra.push(
      `answers: ${h.withUpdates} with updates, ${h.empty} empty${h.noContent ? `, ${h.noContent} x 204` : ''}${h.errors ? `, ${h.errors} errors (${r.firstClientError})` : ''}${h.skipped ? `; ${h.skipped} updates counted in an answer's seq but not carried by it${r.longPollSince === 'last-update' ? '' : ' (skipped: the next request starts after that seq)'}` : ''}`,
    );
  }
  if (r.failed) extra.push(`${r.failed} client(s) failed to join: ${r.errors.join('; ')}`);
  if (r.unexpectedCloses) extra.push(`${r.unexpectedCloses} session(s) closed by the server`);
  if (r.duplicates) extra.push(`${r.duplicates} duplicate deliveries`);
  if (r.externalLoadPct > 25) extra.push(`other processes used ${r.externalLoadPct.toFixed(0)} % of a core: timings unreliable`);
  return `${head} ${parts.join(' | ')}\n${' '.repeat(22)}${extra.join('; ')}`;
}

// ---------------------------------------------------------------- HTML

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const COLORS = ['#2f6fdf', '#e07b39', '#8a8f98'];

/**
 * Horizontal bars, one row per mode, each row one or more stacked segments. With `log`, bar
 * length is log-scaled from `min` (latency spans 1 ms to seconds).
 */
function chart(title, rows, { log = false, min = 0.1, unit = '', legend = [] } = {}) {
  const labelW = 150;
  const barW = 380;
  const rowH = 22;
  const totals = rows.map((r) => r.segments.reduce((a, s) => a + (Number.isFinite(s.value) ? s.value : 0), 0));
  const max = Math.max(...totals, min * 10, 1e-9);
  const scale = (v) => (log ? (Math.log10(Math.max(v, min) / min) / Math.log10(max / min)) * barW : (v / max) * barW);
  const body = rows
    .map((row, i) => {
      const y = i * rowH;
      let x = labelW;
      let acc = 0;
      const rects = row.segments
        .map((s, k) => {
          const v = Number.isFinite(s.value) ? s.value : 0;
          const end = scale(acc + v);
          const start = scale(acc);
          acc += v;
          const w = Math.max(v > 0 ? 1 : 0, end - start);
          const rect = `<rect x="${(labelW + start).toFixed(1)}" y="${y + 3}" width="${w.toFixed(1)}" height="15" fill="${COLORS[k % COLORS.length]}"><title>${esc(s.name ?? '')} ${esc(fmt(v))}${unit}</title></rect>`;
          x = labelW + start + w;
          return rect;
        })
        .join('');
      return `<text x="0" y="${y + 15}" font-size="12">${esc(row.label)}</text>${rects}<text x="${(x + 5).toFixed(1)}" y="${y + 15}" font-size="12">${esc(row.text)}</text>`;
    })
    .join('');
  const legendText = legend.map((name, k) => `<span style="color:${COLORS[k]}">&#9632;</span> ${esc(name)}`).join(' &nbsp; ');
  return `<h3>${esc(title)}${log ? ' <small>(log scale)</small>' : ''}</h3>${legendText ? `<p>${legendText}</p>` : ''}<svg width="${labelW + barW + 140}" height="${rows.length * rowH + 4}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`;
}

export function htmlReport(run) {
  const ok = run.results.filter((r) => r.ok);
  const rowsOf = (segments, text) => ok.map((r) => ({ label: labelOf(r.mode), segments: segments(r), text: text(r) }));
  const charts = [
    chart(
      'Bytes on the wire per delivered update',
      rowsOf(
        (r) => [
          { name: 'client to server', value: r.bytesUpPerUpdate },
          { name: 'server to client', value: r.bytesDownPerUpdate },
        ],
        (r) => `${fmt(r.bytesPerUpdate, 0)} B`,
      ),
      {
        legend: ['client to server', 'server to client'],
        unit: ' B',
      },
    ),
    chart(
      'HTTP requests per second (client to server)',
      rowsOf(
        (r) => [{ name: 'requests/s', value: r.httpRequestsPerSecond }],
        (r) => fmt(r.httpRequestsPerSecond),
      ),
    ),
    chart(
      'Update latency p50',
      rowsOf(
        (r) => [{ name: 'p50', value: r.latency.p50 }],
        (r) => ms(r.latency.p50),
      ),
      { log: true, unit: ' ms' },
    ),
    chart(
      'Update latency p99',
      rowsOf(
        (r) => [{ name: 'p99', value: r.latency.p99 }],
        (r) => ms(r.latency.p99),
      ),
      { log: true, unit: ' ms' },
    ),
    chart(
      'Server CPU (% of one core)',
      rowsOf(
        (r) => [{ name: 'CPU', value: r.serverCpuPct }],
        (r) => pct(r.serverCpuPct),
      ),
    ),
  ];
  const head = COLUMNS.map(([h]) => `<th>${esc(h)}</th>`).join('');
  const rows = cellsOf(run.results)
    .map((cells) => `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>COMET vs WebSocket ${esc(run.date)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1000px}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right;white-space:nowrap}td:first-child,th:first-child{text-align:left}pre{background:#f6f8fa;padding:10px;white-space:pre-wrap;font-size:12px}h3{margin:22px 0 4px}</style></head><body>
<h1>COMET vs WebSocket: the sample app's dashboard</h1>
<p>${esc(run.date)} &middot; ${esc(run.machine)} &middot; <code>${esc(run.command)}</code></p>
<p>${esc(run.setup)}</p>
<table><tr>${head}</tr>${rows}</table>
${charts.join('\n')}
<h2>Per mode</h2><pre>${run.summaries.map(esc).join('\n')}</pre>
<h2>Notes</h2><ul>${run.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
</body></html>`;
}
