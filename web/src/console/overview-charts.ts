// The overview's charts, drawn with uPlot on canvas (docs/decisions.md, "The site console"). Each chart is a
// figure whose caption says what it shows and whose summary line says it in words for screen readers; it
// follows its container's width.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom';

const HEIGHT = 220;
export const COLOURS = { primary: '#1f6feb', soft: 'rgba(31, 111, 235, 0.25)', ok: '#1a7f46', danger: '#d1333b' };

export interface ChartSeries {
  label: string;
  values: number[];
  colour: string;
  /** Bars instead of a line. */
  bars?: boolean;
  dash?: number[];
}

/** GMT midnights of `days` (yyyy-MM-dd) in seconds, uPlot's x. */
export function dayStamps(days: string[]): number[] {
  return days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
}

const bars = uPlot.paths.bars!({ size: [0.7, 48] });

/**
 * A figure with a uPlot chart of `series` over `x`, captioned `caption`, summed up in `summary`.
 * `xLabels` names x's values (a chart by category rather than by day); otherwise x is GMT days.
 */
export function chartFigure(options: {
  caption: string;
  summary: string;
  x: number[];
  series: ChartSeries[];
  xLabels?: string[];
  testid: string;
}): HTMLElement {
  const holder = h('div', { class: 'chart', 'aria-hidden': 'true' });
  const figure = h(
    'figure',
    { class: 'chart-figure', testid: options.testid },
    h('figcaption', {}, options.caption),
    holder,
    h('p', { class: 'muted chart-summary' }, options.summary),
  );
  const labels = options.xLabels;
  const uOptions: uPlot.Options = {
    width: 320,
    height: HEIGHT,
    legend: { show: labels === undefined },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: labels ? { time: false, range: [-0.5, labels.length - 0.5] } : { time: true },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    axes: [
      labels
        ? { splits: () => labels.map((_, i) => i), values: (_u, splits) => splits.map((i) => labels[i] ?? '') }
        : { space: 60, values: '{M}/{D}' },
      { size: 48 },
    ],
    series: [
      {},
      ...options.series.map((s) => ({
        label: s.label,
        stroke: s.colour,
        width: s.bars ? 1 : 2,
        ...(s.bars ? { paths: bars, fill: s.colour, points: { show: false } } : {}),
        ...(s.dash ? { dash: s.dash, points: { show: false } } : {}),
      })),
    ],
  };
  let plot: uPlot | undefined;
  // uPlot needs a width: the chart is made once its holder is in the page and sized, and follows it after.
  const observer = new ResizeObserver(() => {
    if (!holder.isConnected) {
      observer.disconnect();
      plot?.destroy();
      return;
    }
    const width = Math.floor(holder.clientWidth);
    if (width <= 0) return;
    if (!plot) plot = new uPlot({ ...uOptions, width }, [options.x, ...options.series.map((s) => s.values)], holder);
    else if (plot.width !== width) plot.setSize({ width, height: HEIGHT });
  });
  observer.observe(holder);
  return figure;
}
