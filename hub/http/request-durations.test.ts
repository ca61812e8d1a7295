import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { RequestDurations } from './request-durations.js';

const NAME = 'lienthong_http_request_duration_seconds';
const HELP = 'HTTP request duration by route, method and status.';
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Observations on two routes, statuses and methods, on bucket bounds and past the last one. */
const OBSERVED: [string, string, number, number][] = [
  ['/graphql', 'POST', 200, 0.001],
  ['/graphql', 'POST', 200, 0.005],
  ['/graphql', 'POST', 200, 0.0051],
  ['/graphql', 'POST', 400, 0.3],
  ['/graphql', 'GET', 200, 12],
  ['unmatched', 'GET', 404, 0.01],
  ['/graphql', 'POST', 200, 2.5],
];

/** The exposition lines of a registry, sorted (the order of label sets is not part of the format). */
async function lines(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').sort();
}

describe('RequestDurations', () => {
  it('exports what a prom-client Histogram with the same observations exports', async () => {
    const reference = new Registry();
    const histogram = new Histogram({
      name: NAME,
      help: HELP,
      labelNames: ['route', 'method', 'status_code'],
      buckets: BUCKETS,
      registers: [reference],
    });
    const registry = new Registry();
    const durations = new RequestDurations(NAME, HELP, BUCKETS, registry);
    for (const [route, method, status, seconds] of OBSERVED) {
      histogram.observe({ route, method, status_code: String(status) }, seconds);
      durations.observe(route, method, status, seconds);
    }

    const exported = await lines(registry);
    expect(exported).toEqual(await lines(reference));
    expect(exported).toContain(
      `${NAME}_bucket{le="0.005",route="/graphql",method="POST",status_code="200"} 2`,
    );
    expect(exported).toContain(`${NAME}_count{route="/graphql",method="POST",status_code="200"} 4`);
    expect(exported).toContain(`${NAME}_bucket{le="10",route="/graphql",method="GET",status_code="200"} 0`);
    expect(exported).toContain(`${NAME}_bucket{le="+Inf",route="/graphql",method="GET",status_code="200"} 1`);
  });

  it('forgets its observations when the registry is reset', async () => {
    const registry = new Registry();
    const durations = new RequestDurations(NAME, HELP, BUCKETS, registry);
    durations.observe('/graphql', 'POST', 200, 0.2);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('_count');
  });
});
