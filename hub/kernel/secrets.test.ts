import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { configError } from '../testing/config.js';
import { productionSecrets } from '../testing/secrets.js';
import { tempDir } from '../testing/temp.js';
import { loadConfig } from './config.js';

const key32 = () => randomBytes(32).toString('base64');
const signingJwk = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
const production = () => ({ NODE_ENV: 'production', ...productionSecrets() });

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});
function dataDir(): string {
  const dir = tempDir('lt-secrets-');
  dirs.push(dir);
  return dir.dir;
}

describe('hub secrets in the configuration', () => {
  it('come from the environment, decoded, when given', () => {
    const env = production();
    const { secrets } = loadConfig(env);
    expect(secrets.pseudonymSecret).toEqual(Buffer.from(env.LIENTHONG_PSEUDONYM_SECRET, 'base64'));
    expect(secrets.masterKey).toEqual(Buffer.from(env.LIENTHONG_MASTER_KEY, 'base64'));
    expect(secrets.signingKey).toEqual(
      expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', ...JSON.parse(env.LIENTHONG_SIGNING_KEY) }),
    );
  });

  it('are each required in production, naming the variable', () => {
    for (const variable of ['LIENTHONG_PSEUDONYM_SECRET', 'LIENTHONG_MASTER_KEY', 'LIENTHONG_SIGNING_KEY']) {
      const error = configError({ ...production(), [variable]: '' });
      expect(error.message).toBe(`${variable}: is required`);
      expect(error.variable).toBe(variable);
    }
  });

  it('refuse a wrong format or length, a malformed JWK, a mismatched key pair, never showing the value', () => {
    const cases: [string, string, RegExp][] = [
      ['LIENTHONG_MASTER_KEY', 'c2hvcnQ=', /^LIENTHONG_MASTER_KEY: must be 32 bytes, base64-encoded/],
      ['LIENTHONG_PSEUDONYM_SECRET', `${key32()}!`, /^LIENTHONG_PSEUDONYM_SECRET: must be 32 bytes/],
      [
        'LIENTHONG_SIGNING_KEY',
        '{not json',
        /^LIENTHONG_SIGNING_KEY: must be an Ed25519 private JWK as JSON$/,
      ],
      [
        'LIENTHONG_SIGNING_KEY',
        JSON.stringify({ ...signingJwk(), crv: 'X25519' }),
        /^LIENTHONG_SIGNING_KEY: must be an Ed25519 private JWK \(kty OKP/,
      ],
      [
        'LIENTHONG_SIGNING_KEY',
        JSON.stringify({ ...signingJwk(), d: undefined }),
        /^LIENTHONG_SIGNING_KEY: must be an Ed25519 private JWK \(kty OKP/,
      ],
      [
        'LIENTHONG_SIGNING_KEY',
        JSON.stringify({ ...signingJwk(), x: signingJwk().x }),
        /^LIENTHONG_SIGNING_KEY: has an x that is not the public half of its d$/,
      ],
    ];
    for (const [variable, value, message] of cases) {
      const error = configError({ ...production(), [variable]: value });
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain(value);
      expect(error.variable).toBe(variable);
    }
  });

  it('outside production: generated into the data directory on first use (mode 0600), then reused', () => {
    const dir = dataDir();
    const config = loadConfig({ LIENTHONG_DATA_DIR: dir });
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    const first = {
      p: config.secrets.pseudonymSecret,
      m: config.secrets.masterKey,
      s: config.secrets.signingKey,
    };
    for (const file of ['secrets.json', 'signing-key.json'])
      expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o600);
    const again = loadConfig({ LIENTHONG_DATA_DIR: dir }).secrets;
    expect([again.pseudonymSecret, again.masterKey, again.signingKey]).toEqual([first.p, first.m, first.s]);
    expect(first.p).toHaveLength(32);
    expect(first.m).toHaveLength(32);
  });

  it('outside production: a damaged secrets file is named, its content never shown', () => {
    const dir = dataDir();
    fs.writeFileSync(path.join(dir, 'secrets.json'), JSON.stringify({ pseudonymSecret: 'c2hvcnQ=' }));
    const { secrets } = loadConfig({ LIENTHONG_DATA_DIR: dir });
    expect(() => secrets.pseudonymSecret).toThrow(
      `${path.join(dir, 'secrets.json')}: pseudonymSecret: must be 32 bytes, base64-encoded`,
    );
    fs.writeFileSync(path.join(dir, 'signing-key.json'), '{"kty":"OKP"}');
    expect(() => secrets.signingKey).toThrow(`${path.join(dir, 'signing-key.json')}: must be an Ed25519`);
  });

  it('never print: JSON, util.inspect and log serialisation show [secrets]', () => {
    const env = production();
    const config = loadConfig(env);
    for (const text of [JSON.stringify(config), inspect(config, { depth: 5 })]) {
      expect(text).toContain('[secrets]');
      expect(text).not.toContain(env.LIENTHONG_MASTER_KEY);
      expect(text).not.toContain(JSON.parse(env.LIENTHONG_SIGNING_KEY).d);
    }
  });
});
