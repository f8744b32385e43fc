// One live line chart of the last minute (uPlot), as the dashboard's TPS and the operator page's deliveries draw it.

/* global uPlot */
import { clock } from './format.js';

const HEIGHT = 190;

/** A time-series chart in `container` that follows its width; `series` is uPlot's options for the one line. */
export function createLineChart(container, series, { axisSize = 36, cursor } = {}) {
  const axis = {
    stroke: '#64748b',
    grid: { stroke: '#eef0f6', width: 1 },
    ticks: { stroke: '#eef0f6', width: 1 },
    font: '11px system-ui, sans-serif',
  };
  const chart = new uPlot(
    {
      width: container.clientWidth || 600,
      height: HEIGHT,
      legend: { show: false },
      padding: [12, 28, 0, 0],
      ...(cursor && { cursor }),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.2))] } },
      series: [{}, { width: 2, points: { show: false }, ...series }],
      axes: [
        { ...axis, space: 80, values: (_u, splits) => splits.map((s) => clock(s * 1000)) },
        { ...axis, size: axisSize },
      ],
    },
    [[], []],
    container,
  );
  new ResizeObserver(() => chart.setSize({ width: container.clientWidth, height: HEIGHT })).observe(container);
  return chart;
}
