import type { Metric, Registry } from 'prom-client';

/** One sample as prom-client's registry formats it. */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

interface Series {
  labels: { route: string; method: string; status_code: string };
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A histogram of request durations by route, method and status, exported exactly as prom-client
 * exports a `Histogram` with those label names. An observation is three map lookups and a bucket
 * search: prom-client's `Histogram.observe` validates the labels and builds and hashes a label
 * string on every call, which on the API is once per request.
 */
export class RequestDurations {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private series = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    // The registry reads a metric through `name`, `type`, `aggregator`, `get()` and `reset()`.
    registry.registerMetric(this as unknown as Metric);
  }

  observe(route: string, method: string, status: number, seconds: number): void {
    const byMethod = entry(this.series, route, () => new Map());
    const byStatus = entry(byMethod, method, () => new Map());
    const series = entry(byStatus, status, () => ({
      labels: { route, method, status_code: String(status) },
      counts: new Array<number>(this.buckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    }));
    let i = 0;
    while (i < this.buckets.length && seconds > this.buckets[i]!) i++;
    series.counts[i]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  async get() {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    for (const byMethod of this.series.values()) {
      for (const byStatus of byMethod.values()) {
        for (const { labels, counts, sum, count } of byStatus.values()) {
          let cumulative = 0;
          this.buckets.forEach((le, i) => {
            cumulative += counts[i]!;
            values.push({ metricName: bucket, labels: { le, ...labels }, value: cumulative });
          });
          values.push({ metricName: bucket, labels: { le: '+Inf', ...labels }, value: count });
          values.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: sum });
          values.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: count });
        }
      }
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series = new Map();
  }
}

function entry<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  const found = map.get(key);
  if (found !== undefined) return found;
  const made = create();
  map.set(key, made);
  return made;
}
