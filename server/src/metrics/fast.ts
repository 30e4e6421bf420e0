/**
 * Counters and histograms for the per-reply metrics, registered in a prom-client registry
 * but updated without prom-client's per-call label validation and hashing (several replies
 * per message, thousands of messages per second). The caller names each series with a key
 * it builds cheaply; the label object is only built the first time a key is seen. The
 * exposition is prom-client's (Registry#metrics() reads get()).
 */
import type client from 'prom-client';

type Labels = Record<string, string>;

interface CounterSeries {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  counts: Float64Array;
  sum: number;
  count: number;
}

export class FastCounter {
  readonly type = 'counter';
  private readonly series = new Map<string, CounterSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(key: string, labels: () => Labels, by = 1): void {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels: labels(), value: 0 }));
    s.value += by;
  }

  get(): { name: string; help: string; type: 'counter'; aggregator: 'sum'; values: Array<{ labels: Labels; value: number }> } {
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values: [...this.series.values()].map((s) => ({ labels: s.labels, value: s.value })) };
  }

  register(registry: client.Registry): this {
    registry.registerMetric(this as unknown as client.Metric);
    return this;
  }
}

export class FastHistogram {
  readonly type = 'histogram';
  private readonly series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
  ) {}

  observe(key: string, labels: () => Labels, value: number): void {
    let s = this.series.get(key);
    if (!s) this.series.set(key, (s = { labels: labels(), counts: new Float64Array(this.bounds.length), sum: 0, count: 0 }));
    // the first bound >= value (binary search); beyond the last bound only +Inf counts it
    let lo = 0;
    let hi = this.bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.bounds[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    if (lo < this.bounds.length) s.counts[lo]!++;
    s.sum += value;
    s.count++;
  }

  get(): { name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Array<{ metricName: string; labels: Labels | Record<string, string | number>; value: number }> } {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...s.labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...s.labels }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sum });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }

  register(registry: client.Registry): this {
    registry.registerMetric(this as unknown as client.Metric);
    return this;
  }
}
