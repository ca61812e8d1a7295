import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { EventValidationError, WrongExpectedRevisionError } from '../kernel/errors/index.js';
import { appHarness, testEvent } from './testing.js';

const harness = appHarness();
afterEach(() => harness.cleanup());

async function scrape(app: FastifyInstance): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
}

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics', () => {
  it('exports process metrics and HTTP durations by route pattern, method and status', async () => {
    const app = harness.build();
    await app.inject({ method: 'GET', url: '/health/live' });
    await app.inject({ method: 'GET', url: '/dossier/zq9citizen?id=zq9query' });
    const text = await scrape(app);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toMatch(
      /lienthong_http_request_duration_seconds_count\{route="\/health\/live",method="GET",status_code="200"\} 1/,
    );
    expect(text).toMatch(
      /lienthong_http_request_duration_seconds_count\{route="unmatched",method="GET",status_code="404"\} 1/,
    );
    expect(text).not.toContain('zq9');
  });

  it('counts event store commits, appends, events and failures by code', async () => {
    const app = harness.build();
    await app.ready();
    await app.store.append('note-1', [testEvent(1), testEvent(2)], { expectedRevision: 'no_stream' });
    await app.store.append('note-1', [testEvent(3)], { expectedRevision: 1 });
    await expect(
      app.store.append('note-1', [testEvent(4)], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    const invalid = { ...testEvent(5), data: { dataset: 'Not Kebab' } };
    await expect(
      app.store.append('note-2', [invalid], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(EventValidationError);

    const text = await scrape(app);
    expect(sample(text, 'lienthong_eventstore_appends_total')).toBe(3);
    expect(sample(text, 'lienthong_eventstore_events_appended_total')).toBe(3);
    expect(sample(text, 'lienthong_eventstore_commits_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'lienthong_eventstore_commit_duration_seconds_count')).toBe(
      sample(text, 'lienthong_eventstore_commits_total'),
    );
    expect(text).toContain(
      'lienthong_eventstore_append_failures_total{code="EVENTSTORE_WRONG_EXPECTED_REVISION"} 1',
    );
    expect(text).toContain('lienthong_eventstore_append_failures_total{code="EVENT_INVALID"} 1');
  });

  it('reports each projection checkpoint and lag', async () => {
    const app = harness.build();
    await app.ready();
    const { position } = await app.store.append('note-1', [testEvent(1), testEvent(2), testEvent(3)], {
      expectedRevision: 'no_stream',
    });
    await app.projections.waitForPosition(position);
    const text = await scrape(app);
    expect(text).toContain(`lienthong_projection_checkpoint{projection="stream-catalog"} ${position}`);
    expect(text).toContain('lienthong_projection_lag_events{projection="stream-catalog"} 0');
    expect(text).toMatch(/lienthong_projection_lag_events\{projection="admin-units"\} 0/);
  });

  it('keeps each app its own registry', async () => {
    const first = harness.build();
    const second = harness.build();
    await first.inject({ method: 'GET', url: '/health/live' });
    const text = await scrape(second);
    expect(text).not.toContain('route="/health/live"');
  });
});
