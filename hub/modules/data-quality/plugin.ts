import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Gauge } from 'prom-client';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { DataQualityQueries } from './queries.js';
import { type EvaluationResult, evaluateDataQuality } from './service.js';
import { createDataQualityTables, DATA_QUALITY_MODEL } from './tables.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Evaluates every dataset's figures against its thresholds now, once the read model has caught
     * up with the store, raising and closing findings (what the evaluator does on its own).
     */
    dataQuality: { evaluate(): Promise<EvaluationResult> };
  }
}

declare module '../../kernel/module.js' {
  interface ModuleSettings {
    /** How often the data-quality evaluator raises and closes findings. Default 60 s; 0 turns it off. */
    dataQualityEvaluateMs?: number;
  }
}

/** Gauges of every source's figures and of open findings, read from the model when scraped. */
function qualityGauges(app: FastifyInstance, queries: DataQualityQueries): void {
  if (!app.hasDecorator('metrics')) return;
  const registers = [app.metrics.registry];
  new Gauge({
    name: 'lienthong_data_quality_figure',
    help: 'Data-quality figures per dataset and source: shares (0–1) and hours; figures that cannot be computed are left out.',
    labelNames: ['dataset', 'source', 'dimension', 'figure'] as const,
    registers,
    collect() {
      this.reset();
      for (const d of queries.quality()) {
        for (const s of d.sources) {
          const labels = { dataset: d.dataset, source: s.source! };
          const set = (dimension: string, figure: string, value: number | null | undefined) => {
            if (value !== null && value !== undefined) this.set({ ...labels, dimension, figure }, value);
          };
          set('correct', 'valid_share', s.correct.validShare);
          set('complete', 'required_share', s.complete.requiredShare);
          set('clean', 'duplicate_share', s.clean.duplicateShare);
          for (const a of s.clean.attributes) set('clean', `conflict_share_${a.attribute}`, a.conflictShare);
          set('live', 'sync_age_hours', s.live?.syncAgeHours);
          set('live', 'source_lag_hours', s.live?.sourceLagHours);
        }
      }
    },
  });
  new Gauge({
    name: 'lienthong_data_quality_findings_open',
    help: 'Open data-quality findings per dataset and dimension.',
    labelNames: ['dataset', 'dimension'] as const,
    registers,
    collect() {
      this.reset();
      for (const c of queries.openCounts()) this.set({ dataset: c.dataset, dimension: c.dimension }, c.n);
    },
  });
}

/**
 * The `dataQuality` GraphQL service (figures and findings over the read model), the Prometheus
 * gauges, and the evaluator: every `dataQualityEvaluateMs` (default 60 s), once the model has caught
 * up, it holds the figures against the thresholds and raises or closes findings
 * (`app.dataQuality.evaluate()` does it at once).
 */
export const dataQualityPlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    createDataQualityTables(host.readModels);
    const datasets = app.privacy.datasets;
    // the access log records inspectors' reads of findings, when the hub runs that module (before this one)
    const inspections = host.services.has('inspections') ? host.services.get('inspections') : undefined;
    const queries = new DataQualityQueries(host.readModels, datasets, host.clock, inspections);
    host.services.provide('dataQuality', queries);
    qualityGauges(app, queries);

    /** Whether the runner keeps the model (a hub may run without it: nothing is then judged). */
    const modelRuns = async () =>
      (await app.projections.status()).some((p) => p.name === DATA_QUALITY_MODEL && p.state !== 'failed');
    const evaluate = async (): Promise<EvaluationResult> => {
      if (!(await modelRuns())) return { raised: [], closed: [] };
      await app.projections.waitForPosition((await host.store.info()).lastPosition);
      return evaluateDataQuality({ store: host.store, db: host.readModels, datasets, clock: host.clock });
    };
    app.decorate('dataQuality', { evaluate });

    const every = host.settings.dataQualityEvaluateMs ?? 60_000;
    if (every > 0) {
      let running: Promise<void> | undefined;
      const timer = setInterval(() => {
        if (running || !app.projections.isCaughtUp()) return;
        running = evaluate()
          .then((r) => {
            if (r.raised.length + r.closed.length > 0)
              host.log.info({ raised: r.raised.length, closed: r.closed.length }, 'data-quality findings');
          })
          .catch((error) =>
            host.log.error({ err: { message: (error as Error).message } }, 'data-quality evaluation failed'),
          )
          .finally(() => {
            running = undefined;
          });
      }, every);
      timer.unref();
      // the evaluation under way finishes before the store closes
      app.addHook('onClose', async () => {
        clearInterval(timer);
        await running;
      });
    }
  },
  { name: 'data-quality', fastify: '5.x' },
);
