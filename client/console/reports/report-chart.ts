// The report screen's bar chart (poverty and near-poverty rate per area). chart.js is imported here only, so it
// travels in the report screen's lazy chunk and never in the enumerator's or the console's entry chunks.

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip } from 'chart.js'

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Title, Tooltip)

export interface RateChartData {
  title: string
  labels: string[]
  series: { label: string; values: number[]; colour: string }[]
}

export function rateChart(
  canvas: HTMLCanvasElement,
  data: RateChartData,
): { update(d: RateChartData): void; destroy(): void } {
  const config = (d: RateChartData) => ({
    labels: d.labels,
    datasets: d.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.colour })),
  })
  const chart = new Chart(canvas, {
    type: 'bar',
    data: config(data),
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: data.title } },
      scales: { y: { beginAtZero: true } },
    },
  })
  return {
    update(d) {
      chart.data = config(d)
      if (chart.options.plugins?.title) chart.options.plugins.title.text = d.title
      chart.update()
    },
    destroy: () => chart.destroy(),
  }
}
