import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import { ConfigError } from '../../kernel/errors/index.js';
import { randomId } from '../../kernel/ids.js';
import type { ModuleHost, ModulePlugin } from '../../kernel/module.js';
import { hubSigningKey } from '../consent/index.js';
import { DirectoryBlobStore } from '../documents/index.js';
import { HubDirectory, readHubDirectory } from './directory.js';
import { createEnvelopePort, loadExchangeSigning } from './envelopes.js';
import { Outbox } from './outbox.js';
import { registryOver } from './registry.js';
import { exchangeRoutes } from './routes.js';
import { ExchangeService } from './service.js';
import { HubRequestVerifier, hubKeyOf, ReplayGuard } from './transport.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The document exchange: envelopes in from organs and hubs, the trail, the outbox. */
    exchange: ExchangeService;
  }
}

declare module '../../kernel/module.js' {
  interface ModuleSettings {
    /** Outbox: first retry delay (ms), doubled per attempt. Default 1000. */
    exchangeRetryBaseMs?: number;
    /** Outbox: how often due deliveries are looked for (ms). Default 1000; 0 leaves the outbox stopped. */
    exchangeScanMs?: number;
  }
}

declare module '../../api/graphql/kit/context.js' {
  interface ApiServices {
    exchange: ExchangeService;
  }
}

/**
 * The exchange over `<dataDir>/exchange/` (envelopes by hash, this hub's request key): the service
 * (`app.exchange`, the `exchange` GraphQL service), the HTTP routes, the outbox toward other hubs
 * and the metrics `lienthong_exchange_messages_total{kind,outcome}`,
 * `lienthong_exchange_deliveries_total{hub,outcome}` and `lienthong_exchange_outbox_pending`.
 */
export const exchangePlugin: ModulePlugin = fp(
  async (app: FastifyInstance, host: ModuleHost) => {
    const { hubId, hubsFile } = host.config.exchange;
    const directory = hubsFile
      ? readHubDirectory(hubsFile)
      : HubDirectory.standalone({
          hubId,
          name: hubId,
          url: `http://${host.config.http.host}:${host.config.http.port}`,
        });
    if (!directory.get(hubId)) {
      throw new ConfigError('LIENTHONG_HUB_ID', `${hubId} is not a hub of the directory ${hubsFile}`);
    }
    const root = path.join(host.config.dataDir, 'exchange');
    const blobs = new DirectoryBlobStore(path.join(root, 'envelopes'));
    const key = hubKeyOf(hubId, await hubSigningKey(host.config.secrets.signingKey));
    const signing = await loadExchangeSigning(host);
    const registry = registryOver(host.readModels);
    const envelopes = createEnvelopePort(signing.trustAnchors, (organCode) =>
      signing.registeredCertificates(organCode),
    );
    const service = new ExchangeService({
      store: host.store,
      blobs,
      envelopes,
      directory,
      registry,
      selfHubId: hubId,
      logger: host.log,
      clock: host.clock,
    });
    const replay = new ReplayGuard(host.readModels);
    const verifier = new HubRequestVerifier({ directory, self: key, replay, clock: host.clock });

    const registers = app.hasDecorator('metrics') ? [app.metrics.registry] : [];
    const deliveries = new Counter({
      name: 'lienthong_exchange_deliveries_total',
      help: 'Deliveries to the next hub, by hub and outcome (delivered, duplicate, retry, refused).',
      labelNames: ['hub', 'outcome'] as const,
      registers,
    });
    const outbox = new Outbox(
      {
        service,
        directory,
        envelopes,
        key,
        readModels: host.readModels,
        logger: host.log,
        clock: host.clock,
        ids: randomId,
        onAttempt: (hub, outcome) => deliveries.inc({ hub, outcome }),
      },
      { baseDelayMs: host.settings.exchangeRetryBaseMs, scanEveryMs: host.settings.exchangeScanMs || 1000 },
    );
    new Gauge({
      name: 'lienthong_exchange_outbox_pending',
      help: 'Messages waiting for delivery to another hub in this process (queued or in flight).',
      registers,
      collect() {
        this.set(outbox.pending);
      },
    });

    app.decorate('exchange', service);
    host.services.provide('exchange', service);
    host.services.provide('exchangeComposer', signing.composer);
    host.services.provide('exchangeQueries', {
      db: host.readModels,
      store: host.store,
      directory,
      key,
      clock: host.clock,
    });
    await app.register(exchangeRoutes, {
      service,
      verifier,
      key,
      readModels: host.readModels,
      store: host.store,
      maxBytes: signing.maxEnvelopeBytes,
    });

    const scanEvery = host.settings.exchangeScanMs ?? 1000;
    if (scanEvery > 0) {
      app.addHook('onReady', async () => outbox.start());
      app.addHook('onClose', async () => outbox.stop());
    }
    const prune = setInterval(() => replay.prune(Math.floor(host.clock().getTime() / 1000)), 60_000);
    prune.unref();
    app.addHook('onClose', async () => clearInterval(prune));
  },
  { name: 'exchange', fastify: '5.x' },
);
