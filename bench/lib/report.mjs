// Turns scenario results into metrics (baseline vs ours, ratio, target), a text table, one summary
// line per scenario variant, and a self-contained HTML report with inline SVG bars.

const fmt = (v, digits = 1) => {
  if (v === undefined || v === null || Number.isNaN(v)) return '-';
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 100_000) return `${(v / 1000).toFixed(0)}k`;
  if (abs >= 10_000) return `${(v / 1000).toFixed(1)}k`;
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(digits);
  return v.toFixed(digits + 1);
};

function checkOk(check) {
  const rawOk = check.rawExpected !== undefined ? check.rawReceived === check.rawExpected : check.received === check.expected;
  return rawOk && (check.real ?? []).every((r) => r.ok);
}

function checkText(check) {
  if (!check) return '';
  const reals = check.real ?? [];
  const okReal = reals.filter((r) => r.ok).length;
  const raw =
    check.rawExpected !== undefined ? `raw ${check.rawReceived}/${check.rawExpected}` : `idle ${check.received}/${check.expected}`;
  const realText = reals.map(
    (r) =>
      `${r.kind}${r.transport && r.transport !== 'websocket' ? `(${r.transport})` : ''} ${r.received}/${r.expected}${r.inOrder ? '' : ' out-of-order'}${r.error ? ` ${r.error}` : ''}`,
  );
  return `check: ${raw}; real clients ${okReal}/${reals.length} ok [${realText.join(', ')}]`;
}

/**
 * Metrics of one variant: { name, unit, baseline, ours, better: 'higher'|'lower', target?: { ratio? , abs? , text } }.
 * `target.ratio`: the ratio ours/baseline must be at most (lower is better) or at least (higher is better);
 * `target.abs`: ours must be at most this absolute value.
 */
export function metricsOf(scenario, variant, baseline, ours, reference) {
  const b = baseline ?? {};
  const o = ours ?? {};
  const clamp = (v) => (Number.isFinite(v) ? Math.max(0, v) : v);
  const external = {
    name: 'other processes CPU %',
    baseline: clamp(b.externalLoadPct),
    ours: clamp(o.externalLoadPct),
    better: 'info',
    noRatio: true,
  };
  return [...scenarioMetrics(scenario, variant, b, o), ...transportMetrics(b, o, reference), external];
}

/**
 * SockJS fan-out rows: CPU per delivered message over the raw WebSocket row of the same S and the same
 * server (one run), the cost of the transport itself. The target is on ours alone.
 */
function transportMetrics(b, o, reference) {
  if (!reference) return [];
  return [
    {
      name: 'CPU/msg vs raw WebSocket (same server)',
      baseline: b.cpuUsPerMsg / reference.baseline?.cpuUsPerMsg,
      ours: o.cpuUsPerMsg / reference.ours?.cpuUsPerMsg,
      better: 'lower',
      target: { abs: 1.3, text: '<= 1.3 (ours)' },
    },
  ];
}

function scenarioMetrics(scenario, variant, b, o) {
  switch (scenario) {
    case 'fanout':
    case 'template': {
      // The ratio targets are the raw WebSocket rows'; SockJS rows have theirs against the raw row.
      const targets = scenario === 'fanout' && !variant.params.transport;
      return [
        {
          name: 'delivered msg/s',
          baseline: b.msgsPerSec,
          ours: o.msgsPerSec,
          better: 'higher',
          target: targets ? { ratio: 0.85, text: '>= 0.85x' } : undefined,
        },
        {
          name: 'server CPU us/msg',
          baseline: b.cpuUsPerMsg,
          ours: o.cpuUsPerMsg,
          better: 'lower',
          target: targets ? { ratio: 1.2, text: '<= 1.2x' } : undefined,
        },
        { name: 'p50 latency ms', baseline: b.latency?.p50, ours: o.latency?.p50, better: 'lower' },
        { name: 'p99 latency ms', baseline: b.latency?.p99, ours: o.latency?.p99, better: 'lower' },
        { name: 'server write syscalls/msg', baseline: b.writesPerMsg, ours: o.writesPerMsg, better: 'info' },
        { name: 'server CPU %', baseline: b.serverCpuPct, ours: o.serverCpuPct, better: 'info' },
        { name: 'load-gen CPU %', baseline: b.loadgenCpuPct, ours: o.loadgenCpuPct, better: 'info' },
      ];
    }
    case 'connections': {
      const ws = variant.params.transport === 'ws';
      const metrics = [
        {
          name: 'KiB/session (RSS)',
          baseline: b.kibPerSession,
          ours: o.kibPerSession,
          better: 'lower',
          target: { abs: ws ? 10 : 25, text: `<= ${ws ? 10 : 25} KiB` },
        },
        { name: 'KiB/session (JS heap)', baseline: b.heapKibPerSession, ours: o.heapKibPerSession, better: 'lower' },
        { name: 'sessions opened/s', baseline: b.openPerSec, ours: o.openPerSec, better: 'higher' },
      ];
      const big = ws && (o.sessions ?? 0) >= 19_000;
      metrics.push({
        name: 'server RSS MB',
        baseline: b.rssAfterMB,
        ours: o.rssAfterMB,
        better: 'lower',
        target: big ? { abs: 300, text: '<= 300 MB' } : undefined,
      });
      return metrics;
    }
    case 'original':
      return [
        {
          name: 'delivered/expected %',
          baseline: b.deliveredRatio * 100,
          ours: o.deliveredRatio * 100,
          better: 'higher',
          target: { absMin: 100, text: '= 100 %' },
        },
        { name: 'p50 latency ms', baseline: b.latency?.p50, ours: o.latency?.p50, better: 'lower' },
        {
          name: 'p99 latency ms',
          baseline: b.latency?.p99,
          ours: o.latency?.p99,
          better: 'lower',
          target: { ratio: 1.5, text: '<= 1.5x' },
        },
        {
          name: 'server CPU % (steady)',
          baseline: b.serverCpuPct,
          ours: o.serverCpuPct,
          better: 'lower',
          target: { ratio: 1.5, text: '<= 1.5x' },
        },
        { name: 'server RSS MB', baseline: b.serverRssMB, ours: o.serverRssMB, better: 'lower' },
        { name: 'server write syscalls/s', baseline: b.serverWritesPerSec, ours: o.serverWritesPerSec, better: 'info' },
        { name: 'server loop delay p99 ms', baseline: b.serverLoopDelayMs?.p99, ours: o.serverLoopDelayMs?.p99, better: 'info' },
      ];
    case 'resume': {
      // Baseline column: the same server, the subscribers reconnecting without x-stream-offset (see the notes).
      const plain = o.plain ?? {};
      const resumed = o.resumed ?? {};
      return [
        { name: 'messages lost', baseline: plain.lost, ours: resumed.lost, better: 'lower', target: { abs: 0, text: '= 0' } },
        { name: 'duplicates', baseline: plain.duplicates, ours: resumed.duplicates, better: 'lower', target: { abs: 0, text: '= 0' } },
        { name: 'reconnect + catch-up ms (all)', baseline: plain.catchUpMs, ours: resumed.catchUpMs, better: 'lower' },
        { name: 'SUBSCRIBE phase ms (all)', baseline: plain.subscribeMs, ours: resumed.subscribeMs, better: 'info' },
        { name: 'messages replayed', baseline: plain.replayed, ours: resumed.replayed, better: 'info', noRatio: true },
        { name: 'server CPU us/msg live', baseline: plain.liveCpuUsPerMsg, ours: resumed.liveCpuUsPerMsg, better: 'info' },
        // Against live delivery: what a replayed message costs next to a live one.
        { name: 'server CPU us/replayed msg', baseline: o.liveCpuUsPerMsg, ours: o.replayCpuUsPerMsg, better: 'lower' },
        {
          name: 'server CPU ms of SUBSCRIBEs beyond live',
          baseline: plain.subscribeExtraCpuUs / 1000,
          ours: resumed.subscribeExtraCpuUs / 1000,
          better: 'info',
        },
        { name: 'server RSS MB', baseline: plain.serverRssMB, ours: resumed.serverRssMB, better: 'info' },
      ];
    }
    default:
      return [];
  }
}

export function judge(metric) {
  const ratio = metric.noRatio ? NaN : metric.ours / metric.baseline;
  const t = metric.target;
  let ok;
  if (t?.ratio !== undefined && Number.isFinite(ratio)) ok = metric.better === 'higher' ? ratio >= t.ratio : ratio <= t.ratio;
  if (t?.abs !== undefined && Number.isFinite(metric.ours)) ok = metric.ours <= t.abs;
  if (t?.absMin !== undefined && Number.isFinite(metric.ours)) ok = metric.ours >= t.absMin - 1e-9;
  return { ratio, ok };
}

/** One line per variant, printed as soon as both servers ran it. */
export function summaryLine(scenario, variant, baseline, ours, reference) {
  const label = `${scenario} ${variant.label}`.padEnd(26);
  const metrics = metricsOf(scenario, variant, baseline, ours, reference).filter((m) => m.better !== 'info');
  const shown = reference ? [...metrics.slice(0, 2), metrics.find((m) => m.target?.abs === 1.3)] : metrics.slice(0, 4);
  const parts = shown.map((m) => `${m.name} ${fmt(m.baseline)} -> ${fmt(m.ours)} (x${fmt(m.ours / m.baseline, 2)})`);
  const extra = [];
  if (ours?.check) extra.push(`ours ${checkText(ours.check)}`);
  if (baseline?.check && !checkOk(baseline.check)) extra.push(`baseline ${checkText(baseline.check)}`);
  if (scenario === 'original') {
    extra.push(`mode ${ours?.mode}`, `ours ${ours?.delivered}/${ours?.expected}, baseline ${baseline?.delivered}/${baseline?.expected}`);
    const reals = ours?.real?.clients ?? [];
    extra.push(
      `real clients ${reals.filter((r) => r.ok).length}/${reals.length} ok [${reals.map((r) => `${r.kind}${r.transport && r.transport !== 'websocket' ? `(${r.transport})` : ''} ${r.delivered}/${r.expected}`).join(', ')}]`,
    );
    const baseReals = baseline?.real?.clients ?? [];
    if (baseReals.some((r) => !r.ok)) extra.push(`baseline real clients ${baseReals.filter((r) => r.ok).length}/${baseReals.length} ok`);
  }
  return `${label} ${parts.join(' | ')}${extra.length ? `\n${' '.repeat(27)}${extra.join('; ')}` : ''}`;
}

export function textTable(rows) {
  const header = ['scenario', 'metric', 'baseline', 'nestjs-stomp', 'ratio', 'target', ''];
  const lines = rows.map((r) => {
    const { ratio, ok } = judge(r.metric);
    return [
      r.label,
      r.metric.name,
      fmt(r.metric.baseline),
      fmt(r.metric.ours),
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-',
      r.metric.target?.text ?? '',
      ok === undefined ? '' : ok ? 'ok' : 'MISS',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(line)].join('\n');
}

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function bars(metric) {
  const w = 360;
  const values = [metric.baseline, metric.ours].map((v) => (Number.isFinite(v) ? v : 0));
  const max = Math.max(...values, 1e-9);
  const rows = [
    ['baseline', values[0], '#8a8f98'],
    ['nestjs-stomp', values[1], '#2f6fdf'],
  ];
  const rects = rows
    .map(([name, v, color], i) => {
      const len = Math.max(1, (v / max) * (w - 150));
      const y = i * 18;
      return `<text x="0" y="${y + 12}" font-size="11">${name}</text><rect x="85" y="${y + 2}" width="${len.toFixed(1)}" height="13" fill="${color}"/><text x="${(90 + len).toFixed(1)}" y="${y + 12}" font-size="11">${esc(fmt(v))}</text>`;
    })
    .join('');
  return `<svg width="${w}" height="38" xmlns="http://www.w3.org/2000/svg">${rects}</svg>`;
}

/**
 * Server CPU per delivered message against subscribers (log scale), one line per server, from the raw
 * WebSocket fan-out rows of this run; empty when fewer than two sizes ran.
 */
export function scaleChart(entries = []) {
  const rows = entries.filter((e) => !e.params.transport).sort((a, b) => a.params.subscribers - b.params.subscribers);
  const series = [
    ['baseline', '#8a8f98'],
    ['ours', '#2f6fdf'],
  ].map(([key, color]) => ({
    key,
    color,
    points: rows.map((e) => [e[key]?.subscribers ?? e.params.subscribers, e[key]?.cpuUsPerMsg]).filter(([, y]) => Number.isFinite(y)),
  }));
  const xs = rows.map((e) => e.params.subscribers);
  if (new Set(xs).size < 2) return '';
  const [w, h, left, bottom, top, right] = [560, 260, 50, 30, 14, 40];
  const lx = (x) => Math.log10(x);
  const [x0, x1] = [lx(Math.min(...xs)), lx(Math.max(...xs))];
  const yMax = Math.max(...series.flatMap((s) => s.points.map(([, y]) => y)), 1e-9) * 1.15;
  const px = (x) => left + ((lx(x) - x0) / (x1 - x0)) * (w - left - right);
  const py = (y) => h - bottom - (y / yMax) * (h - bottom - top);
  const axis = [
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="#999"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="#999"/>`,
    ...[...new Set(xs)].map((x) => `<text x="${px(x)}" y="${h - bottom + 16}" font-size="11" text-anchor="middle">${x}</text>`),
    ...[0, 0.25, 0.5, 0.75, 1].map(
      (f) => `<text x="${left - 6}" y="${py(f * yMax) + 4}" font-size="10" text-anchor="end">${fmt(f * yMax)}</text>`,
    ),
    `<text x="${(left + w - right) / 2}" y="${h - 2}" font-size="11" text-anchor="middle">subscribers (log scale)</text>`,
  ];
  const lines = series.map(({ key, color, points }, i) => {
    const path = points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
    const dots = points.map(
      ([x, y]) =>
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/><text x="${(px(x) + 5).toFixed(1)}" y="${(py(y) - 5).toFixed(1)}" font-size="10">${esc(fmt(y))}</text>`,
    );
    const name = key === 'ours' ? 'nestjs-stomp' : 'baseline';
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${path}"/>${dots.join('')}<text x="${left + 10}" y="${top + 10 + i * 16}" font-size="11" fill="${color}">${name}</text>`;
  });
  return `<h2>Server CPU µs per delivered message against subscribers (fan-out, raw WebSocket)</h2>
<svg width="${w}" height="${h}" xmlns="http://www.w3.org/2000/svg">${axis.join('')}${lines.join('')}</svg>`;
}

/** Keeping up with the original scenario: everything delivered, p99 under the 1 s period of the pushes, every client joined. */
export function keepsUp(r) {
  if (!r?.ok) return { ok: false, why: `failed: ${r?.error?.split('\n')[0] ?? 'no result'}` };
  // Which side ran out: a load generator near 100 % of its core cannot tell whether the server kept up.
  const load = `server CPU ${fmt(r.serverCpuPct)} %, load generator ${fmt(r.loadgenCpuPct)} %`;
  if (r.failed > 0)
    return { ok: false, why: `${r.failed} of ${r.clients} clients could not join (${(r.errors ?? []).join('; ')}); ${load}` };
  const dropped = (r.lost ?? 0) + (r.unexpectedCloses ?? 0);
  if (dropped > 0) return { ok: false, why: `${dropped} clients lost their connection; ${load}` };
  if (!(r.deliveredRatio >= 0.999)) return { ok: false, why: `${(r.deliveredRatio * 100).toFixed(1)} % delivered; ${load}` };
  if (!(r.latency?.p99 < 1000)) return { ok: false, why: `p99 latency ${fmt(r.latency?.p99)} ms; ${load}` };
  return { ok: true, why: `p99 ${fmt(r.latency?.p99)} ms; ${load}` };
}

/** Where each server stops keeping up with the original scenario, over the sizes of this run. */
export function scaleLimits(entries) {
  return ['baseline', 'ours'].map((key) => {
    const name = key === 'ours' ? 'nestjs-stomp' : 'baseline';
    const runs = entries.map((e) => ({ C: e.params.clients, ...keepsUp(e[key]) }));
    const last = runs.filter((r) => r.ok).at(-1);
    const stop = runs.find((r) => !r.ok);
    const upTo = last ? `keeps up to C=${last.C} (${last.why})` : 'keeps up at no size tried';
    return `original, ${name}: ${upTo}; ${stop ? `stops at C=${stop.C}: ${stop.why}` : `did not stop up to C=${runs.at(-1)?.C}`}`;
  });
}

export function htmlReport(run) {
  const sections = run.rows.map((r) => {
    const { ratio, ok } = judge(r.metric);
    const status = ok === undefined ? '' : ok ? '<b style="color:#1a7f37">ok</b>' : '<b style="color:#cf222e">MISS</b>';
    return `<tr><td>${esc(r.label)}</td><td>${esc(r.metric.name)}<br><small>${r.metric.better === 'info' ? 'context' : `${r.metric.better} is better`}</small></td><td>${bars(r.metric)}</td><td>${Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-'}</td><td>${esc(r.metric.target?.text ?? '')} ${status}</td></tr>`;
  });
  const notes = run.notes.map((n) => `<li>${esc(n)}</li>`).join('');
  const summaries = run.summaries.map((s) => esc(s)).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>nestjs-stomp bench ${esc(run.date)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:middle}pre{background:#f6f8fa;padding:10px;white-space:pre-wrap;font-size:12px}</style></head><body>
<h1>nestjs-stomp vs bare <code>ws</code> baseline</h1>
<p>${esc(run.date)} &middot; ${esc(run.machine)} &middot; <code>${esc(run.command)}</code> &middot; ${run.full ? 'full matrix' : 'quick set'}</p>
<p>Ratios are nestjs-stomp / baseline, measured in the same invocation. Server and load generator run in separate processes${run.pinned ? ', pinned to CPU 0 and CPU 1' : ''}.</p>
<table><tr><th>scenario</th><th>metric</th><th>value</th><th>ratio</th><th>target</th></tr>${sections.join('\n')}</table>
${scaleChart(run.scenarios?.fanout)}
${run.limits ? `<h2>Original scenario: where each server stops</h2><pre>${esc(run.limits.join('\n'))}</pre>` : ''}
<h2>Summary lines</h2><pre>${summaries}</pre>
<h2>Notes</h2><ul>${notes}</ul>
</body></html>`;
}
