import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSigningKey } from '../../../demo/keys.js';
import { runScript } from '../../testing/cli.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from '../../testing/hub.js';
import { tempDir } from '../../testing/temp.js';
import { documentsProjection, resultClaims, signResult } from './index.js';

let hub: TestHub;
const files = tempDir('lt-verify-');
const CONTENT = Buffer.from('%PDF-1.7\nGiấy xác nhận tình trạng hôn nhân\n%%EOF\n');
let jws: string;
let jwksFile: string;
let contentFile: string;

const cli = (...args: string[]) =>
  runScript('hub/cli.ts', args, { ...process.env, LIENTHONG_DATA_DIR: hub.dir, NODE_ENV: 'test' });

beforeAll(async () => {
  hub = await startTestHub({ citizens: 1, projections: [...API_PROJECTIONS, documentsProjection] });
  const subject = hub.pseudonymize('citizen', hub.citizens[0]!.personalId as string);
  const claims = resultClaims({
    content: CONTENT,
    resultType: 'marital-status-certificate',
    dossier: 'HS-2026-000500',
    issuer: AGENCIES.baDinh,
    subject,
    issuedAt: new Date(Date.now() - 1000).toISOString(),
  });
  jws = await signResult(claims, await demoSigningKey(hub.dir, AGENCIES.baDinh));
  await hub.app.documents.issueResult(
    { agency: AGENCIES.baDinh, official: 'CB-0042' },
    { signature: jws, content: CONTENT, mediaType: 'application/pdf' },
  );
  const published = await hub.app.inject({ method: 'GET', url: `/agencies/${AGENCIES.baDinh}/jwks.json` });
  jwksFile = path.join(files.dir, 'jwks.json');
  fs.writeFileSync(jwksFile, published.body);
  contentFile = path.join(files.dir, 'result.pdf');
  fs.writeFileSync(contentFile, CONTENT);
});
afterAll(async () => {
  await hub?.close();
  files.remove();
});

describe('npm run hub -- documents verify', () => {
  it('verifies a result offline with a JWKS file, and its content', async () => {
    const jwsFile = path.join(files.dir, 'result.jws');
    fs.writeFileSync(jwsFile, `${jws}\n`);
    const ok = await cli('documents', 'verify', jwsFile, '--jwks', jwksFile, '--content', contentFile);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(
      /^signature valid: issuer 000\.04\.01\.H26, key 000\.04\.01\.H26#\S+ \(ES256\)$/m,
    );
    expect(ok.stdout).toMatch(/resultType\s+marital-status-certificate/);
    expect(ok.stdout).toMatch(/content matches contentHash/);

    const json = await cli('documents', 'verify', jws, '--jwks', jwksFile, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: true,
      alg: 'ES256',
      claims: { dossier: 'HS-2026-000500' },
    });
  });

  it('fails with the reason when the signature, the content or the keys do not match', async () => {
    const [header, payload, signature] = jws.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -4)}AAAA`;
    const bad = await cli('documents', 'verify', tampered, '--jwks', jwksFile);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/error \[DOCUMENT_RESULT_SIGNATURE_INVALID\]/);

    const otherContent = path.join(files.dir, 'other.pdf');
    fs.writeFileSync(otherContent, '%PDF-1.7 other');
    const mismatch = await cli('documents', 'verify', jws, '--jwks', jwksFile, '--content', otherContent);
    expect([mismatch.code, mismatch.stderr]).toEqual([
      1,
      expect.stringMatching(/DOCUMENT_RESULT_CONTENT_MISMATCH/),
    ]);

    const otherKeys = path.join(files.dir, 'hanoi.json');
    fs.writeFileSync(
      otherKeys,
      (await hub.app.inject({ method: 'GET', url: `/agencies/${AGENCIES.hanoi}/jwks.json` })).body,
    );
    const wrongKeys = await cli('documents', 'verify', jws, '--jwks', otherKeys);
    expect(wrongKeys.stderr).toMatch(/no registered key of the issuer matches the kid/);

    const missing = await cli('documents', 'verify', jws, '--jwks', path.join(files.dir, 'none.json'));
    expect(missing.stderr).toMatch(/DOCUMENT_INPUT_INVALID\]: --jwks: cannot read/);
  });

  it("verifies against the registry of the hub's data directory when no JWKS is given", async () => {
    const ok = await cli('documents', 'verify', jws);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^signature valid/m);
  });
});

describe('npm run hub -- documents check', () => {
  it('checks every blob against its address and fails naming the damaged ones', async () => {
    const clean = await cli('documents', 'check');
    expect([clean.code, clean.stdout.trim()]).toEqual([0, '1 blob(s) checked, 0 damaged']);
    const [file] = fs
      .readdirSync(path.join(hub.dir, 'documents'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    fs.appendFileSync(file!, 'x');
    const damaged = await cli('documents', 'check');
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain(`damaged: ${file}`);
    expect(damaged.stderr).toMatch(/CHECK_INTEGRITY_FAILED/);
  });
});
