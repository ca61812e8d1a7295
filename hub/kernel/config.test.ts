import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configError } from '../testing/config.js';
import { productionSecrets } from '../testing/secrets.js';
import { loadConfig } from './config.js';

/** The production profile with the secrets it requires. */
const PRODUCTION = { NODE_ENV: 'production', ...productionSecrets() };

describe('loadConfig', () => {
  it('defaults to the development profile on the embedded store under ./data', () => {
    const config = loadConfig({});
    expect(config.profile).toBe('development');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 3000 });
    expect(config.log).toEqual({ level: 'info', pretty: true });
    expect(config.dataDir).toBe(path.resolve('data'));
    expect(config.store).toEqual({ backend: 'sqlite', file: path.resolve('data', 'events.db') });
    expect(config.readModelsFile).toBe(path.resolve('data', 'readmodels.db'));
    expect(config.seedDemo).toBe(true);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.http)).toBe(true);
    expect(Object.isFrozen(config.store)).toBe(true);
  });

  it('coerces numbers and booleans and treats empty values as unset', () => {
    const config = loadConfig({ PORT: ' 8080 ', LIENTHONG_SEED_DEMO: 'false', HOST: '', LOG_LEVEL: 'debug' });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.seedDemo).toBe(false);
    expect(config.log.level).toBe('debug');
  });

  it('in production logs JSON only and does not seed demo data unless asked', () => {
    const production = PRODUCTION;
    expect(loadConfig(production)).toMatchObject({ log: { pretty: false }, seedDemo: false });
    expect(loadConfig({ ...production, LIENTHONG_SEED_DEMO: 'true' }).seedDemo).toBe(true);
  });

  it('puts both database files in LIENTHONG_DATA_DIR and reads a store size limit with units', () => {
    const config = loadConfig({ LIENTHONG_DATA_DIR: '/srv/lt', LIENTHONG_STORE_MAX_BYTES: '2GiB' });
    expect(config.store).toEqual({ backend: 'sqlite', file: '/srv/lt/events.db', maxBytes: 2 * 2 ** 30 });
    expect(config.readModelsFile).toBe('/srv/lt/readmodels.db');
    expect(loadConfig({ LIENTHONG_STORE_MAX_BYTES: '500MB' }).store).toMatchObject({ maxBytes: 500e6 });
    expect(loadConfig({ LIENTHONG_STORE_MAX_BYTES: '4096' }).store).toMatchObject({ maxBytes: 4096 });
  });

  it('selects KurrentDB with its connection string', () => {
    const config = loadConfig({
      LIENTHONG_STORE: 'kurrentdb',
      KURRENTDB_URL: 'kurrentdb://db:2113?tls=false',
    });
    expect(config.store).toEqual({ backend: 'kurrentdb', url: 'kurrentdb://db:2113?tls=false' });
  });

  it('names the variable, the rule and the value it got', () => {
    const error = configError({ PORT: 'abc' });
    expect(error.variable).toBe('PORT');
    expect(error.message).toBe('PORT: must be an integer between 1 and 65535 (got "abc")');
    expect(configError({ PORT: '70000' }).message).toContain('(got "70000")');
    expect(configError({ NODE_ENV: 'staging' }).message).toBe(
      'NODE_ENV: must be one of development, production, test (got "staging")',
    );
    expect(configError({ LIENTHONG_STORE: 'postgres' }).variable).toBe('LIENTHONG_STORE');
    expect(configError({ LIENTHONG_SEED_DEMO: 'maybe' }).variable).toBe('LIENTHONG_SEED_DEMO');
    expect(configError({ LOG_LEVEL: 'verbose' }).variable).toBe('LOG_LEVEL');
    expect(configError({ LIENTHONG_STORE_MAX_BYTES: 'lots' }).variable).toBe('LIENTHONG_STORE_MAX_BYTES');
    expect(configError({ LIENTHONG_STORE_MAX_BYTES: '0' }).variable).toBe('LIENTHONG_STORE_MAX_BYTES');
  });

  it('names this hub and its hub directory for the document exchange', () => {
    expect(
      loadConfig({ LIENTHONG_HUB_ID: 'hub.h26', LIENTHONG_EXCHANGE_HUBS_FILE: '/etc/lt/hubs.yaml' }).exchange,
    ).toMatchObject({
      hubId: 'hub.h26',
      hubsFile: '/etc/lt/hubs.yaml',
    });
    expect(configError({ LIENTHONG_HUB_ID: 'Hub Central' }).variable).toBe('LIENTHONG_HUB_ID');
  });

  it('keeps the demo certificate authority in the data directory unless told, and trusts it outside production', () => {
    expect(loadConfig({ LIENTHONG_DATA_DIR: '/srv/lt' }).exchange).toEqual({
      hubId: 'hub.local',
      caDir: '/srv/lt/demo-ca',
      trustAnchors: '/srv/lt/demo-ca/ca.pem',
    });
    expect(loadConfig({ LIENTHONG_EXCHANGE_CA_DIR: '/srv/shared-ca' }).exchange).toEqual({
      hubId: 'hub.local',
      caDir: '/srv/shared-ca',
      trustAnchors: '/srv/shared-ca/ca.pem',
    });
    expect(loadConfig({ ...PRODUCTION, LIENTHONG_DATA_DIR: '/srv/lt' }).exchange).toEqual({
      hubId: 'hub.local',
      caDir: '/srv/lt/demo-ca',
    });
    expect(
      loadConfig({ ...PRODUCTION, LIENTHONG_EXCHANGE_TRUST_ANCHORS: '/etc/lienthong/ca' }).exchange
        .trustAnchors,
    ).toBe('/etc/lienthong/ca');
  });

  it('requires KURRENTDB_URL for the KurrentDB store and never echoes it back', () => {
    expect(configError({ LIENTHONG_STORE: 'kurrentdb' }).message).toBe(
      'KURRENTDB_URL: is required when LIENTHONG_STORE=kurrentdb',
    );
    const error = configError({ LIENTHONG_STORE: 'kurrentdb', KURRENTDB_URL: 'http://admin:s3cret@db' });
    expect(error.variable).toBe('KURRENTDB_URL');
    expect(error.message).not.toContain('s3cret');
  });

  describe('metrics', () => {
    const token = 'a'.repeat(64);

    it('outside production serves /metrics on the API port, guarded only when a token is set', () => {
      expect(loadConfig({}).metrics).toEqual({});
      expect(loadConfig({ NODE_ENV: 'test' }).metrics).toEqual({});
      expect(loadConfig({ LIENTHONG_METRICS_TOKEN: token }).metrics).toEqual({ token });
      expect(loadConfig({ LIENTHONG_METRICS_PORT: '9100' }).metrics).toEqual({
        listen: { host: '127.0.0.1', port: 9100 },
      });
    });

    it('in production gives metrics a port of their own on 127.0.0.1 unless told otherwise', () => {
      expect(loadConfig({ ...PRODUCTION }).metrics).toEqual({
        listen: { host: '127.0.0.1', port: 9464 },
      });
      expect(
        loadConfig({
          ...PRODUCTION,
          LIENTHONG_METRICS_PORT: '9100',
          LIENTHONG_METRICS_HOST: '0.0.0.0',
          LIENTHONG_METRICS_TOKEN: token,
        }).metrics,
      ).toEqual({ listen: { host: '0.0.0.0', port: 9100 }, token });
      expect(
        loadConfig({ ...PRODUCTION, LIENTHONG_METRICS_PORT: '0', LIENTHONG_METRICS_TOKEN: token }).metrics,
      ).toEqual({
        token,
      });
    });

    it('never leaves metrics open on the API port in production', () => {
      expect(configError({ ...PRODUCTION, LIENTHONG_METRICS_PORT: '0' }).message).toBe(
        'LIENTHONG_METRICS_TOKEN: is required in production when metrics are served on the API port (LIENTHONG_METRICS_PORT=0)',
      );
    });

    it('names the wrong variable and never echoes the token', () => {
      expect(configError({ LIENTHONG_METRICS_PORT: '70000' }).message).toBe(
        'LIENTHONG_METRICS_PORT: must be an integer between 0 (on the API port) and 65535 (got "70000")',
      );
      expect(configError({ PORT: '8080', LIENTHONG_METRICS_PORT: '8080' }).message).toBe(
        'LIENTHONG_METRICS_PORT: must differ from PORT (got 8080)',
      );
      expect(configError({ LIENTHONG_METRICS_HOST: '0.0.0.0' }).variable).toBe('LIENTHONG_METRICS_HOST');
      const short = configError({ LIENTHONG_METRICS_TOKEN: 'zq9short' });
      expect(short.variable).toBe('LIENTHONG_METRICS_TOKEN');
      expect(short.message).not.toContain('zq9short');
      const spaced = configError({ LIENTHONG_METRICS_TOKEN: `zq9 ${token}` });
      expect(spaced.variable).toBe('LIENTHONG_METRICS_TOKEN');
      expect(spaced.message).not.toContain('zq9');
    });
  });
});
