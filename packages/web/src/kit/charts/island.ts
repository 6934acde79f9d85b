// The console's chart island (issue 11): runs in the browser on the analytics pages only. Each
// `[data-chart]` element holds its chart as JSON (kind, labels, series); the same numbers are in the table
// beside it, so a browser without script, or a screen reader, loses nothing. Only the chart types and
// components used here are imported (echarts/core), so the bundle stays a fraction of full ECharts.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartSpec = { kind: 'bar' | 'line'; labels: string[]; series: { name: string; data: number[] }[] };

const optionOf = (spec: ChartSpec) => ({
  tooltip: { trigger: 'axis' },
  legend: { bottom: 0 },
  grid: { left: 48, right: 16, top: 16, bottom: 48 },
  xAxis: { type: 'category', data: spec.labels },
  yAxis: { type: 'value' },
  series: spec.series.map((s) => ({ type: spec.kind, name: s.name, data: s.data })),
});

const els = document.querySelectorAll<HTMLElement>('[data-chart]');
for (const el of Array.from(els)) {
  try {
    const spec = JSON.parse(el.getAttribute('data-chart') ?? '') as ChartSpec;
    const chart = echarts.init(el, undefined, { renderer: 'svg' });
    chart.setOption(optionOf(spec));
    el.setAttribute('data-chart-ready', '1');
    window.addEventListener('resize', () => chart.resize());
  } catch {
    el.hidden = true; // the table beside it still has the numbers
  }
}
