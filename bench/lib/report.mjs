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
export function metricsOf(scenario, variant, baseline, ours) {
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
  return [...scenarioMetrics(scenario, variant, b, o), external];
}

function scenarioMetrics(scenario, variant, b, o) {
  switch (scenario) {
    case 'fanout':
    case 'template': {
      const targets = scenario === 'fanout';
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
export function summaryLine(scenario, variant, baseline, ours) {
  const label = `${scenario} ${variant.label}`.padEnd(26);
  const metrics = metricsOf(scenario, variant, baseline, ours).filter((m) => m.better !== 'info');
  const parts = metrics.slice(0, 4).map((m) => `${m.name} ${fmt(m.baseline)} -> ${fmt(m.ours)} (x${fmt(m.ours / m.baseline, 2)})`);
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
<h2>Summary lines</h2><pre>${summaries}</pre>
<h2>Notes</h2><ul>${notes}</ul>
</body></html>`;
}
