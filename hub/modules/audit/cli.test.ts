import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLogInconsistentError } from '../../kernel/errors/index.js';
import { openReadModelDb } from '../../projections/db.js';
import { ProjectionRunner } from '../../projections/runner.js';
import { makeAccesses, startAuditedHub } from '../../testing/audit-log.js';
import { runHubCli } from '../../testing/cli.js';
import type { TestHub } from '../../testing/hub.js';
import { silentLogger, tempDir } from '../../testing/temp.js';
import { checkpointSigner } from './checkpoint-note.js';
import { isAudited } from './entries.js';
import { AuditLogModel, auditLogProjection } from './projection.js';
import { AuditService } from './service.js';

let hub: TestHub;
let out: { dir: string; remove(): void };
let bundle: string;
beforeAll(async () => {
  hub = await startAuditedHub({ citizens: 6 });
  out = tempDir();
  await makeAccesses(hub, 9);
}, 60_000);
afterAll(async () => {
  await hub?.close();
  out?.remove();
});

const save = (name: string, text: string) => {
  fs.writeFileSync(path.join(out.dir, name), text);
  return path.join(out.dir, name);
};

describe('npm run hub -- audit', () => {
  it('has help for the group and each command', async () => {
    const group = await runHubCli('audit', '--help');
    expect(group.code).toBe(0);
    for (const command of ['checkpoint', 'export', 'verify', 'proof'])
      expect(group.stdout).toContain(command);
    const verify = await runHubCli('audit', 'verify', '--help');
    for (const option of ['--store', '--key <file>', '--checkpoint <file>', '--json', '--no-progress']) {
      expect(verify.stdout).toContain(option);
    }
  });

  it('signs a checkpoint, exports the bundle, and verifies it offline against a pinned key and checkpoint', async () => {
    const signed = await runHubCli('audit', 'checkpoint', '-d', hub.dir);
    expect(signed.stderr).toBe('');
    expect(signed.stdout).toMatch(/^signed checkpoint of size 9: [A-Za-z0-9+/]{43}= \(/);
    const again = await runHubCli('audit', 'checkpoint', '-d', hub.dir);
    expect(again.stdout).toMatch(/^nothing new since checkpoint of size 9/);

    const exported = await runHubCli('audit', 'export', '-d', hub.dir, '--out', out.dir);
    expect(exported.code).toBe(0);
    bundle = path.join(out.dir, 'audit-hub.local-audit-9.ndjson');
    expect(exported.stderr).toContain(`wrote ${bundle}: 9 entries, 1 checkpoints`);

    await hub.settle();
    const jwks = await hub.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    const note = await hub.app.inject({ method: 'GET', url: '/audit/checkpoint?format=note' });
    const verified = await runHubCli(
      'audit',
      'verify',
      bundle,
      '--key',
      save('jwks.json', jwks.body),
      '--checkpoint',
      save('checkpoint.note', note.body),
    );
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`verified: ${bundle}`);
    expect(verified.stdout).toContain(`key          ${hub.signingKey.kid} (pinned)`);
    expect(verified.stdout).toContain('trusted      checkpoint of size 9 matched');
    expect(verified.stdout).toContain('covered      9 entries under a verified signature');

    const json = await runHubCli('audit', 'verify', bundle, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, entries: 9, checkpoints: 1, uncovered: 0 });
  }, 60_000);

  it('exits 1 naming the first bad entry of an altered bundle, or the missing argument', async () => {
    const bytes = fs.readFileSync(bundle);
    const lines = bytes.toString('utf8').split('\n');
    const at = lines.slice(0, 7).join('\n').length + 30;
    bytes[at]! ^= 0x01;
    const altered = await runHubCli('audit', 'verify', save('altered.ndjson', bytes.toString('latin1')));
    expect(altered.code).toBe(1);
    expect(altered.stderr).toMatch(
      /^error \[AUDIT_BUNDLE_INVALID\]: line 8: entry 4 .*does not hash to leaf 4 of checkpoint 1/,
    );

    const missing = await runHubCli('audit', 'verify');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      'error [AUDIT_INPUT_INVALID]: <bundle>: name the bundle file (or give --store)',
    );
    const badKey = await runHubCli('audit', 'verify', bundle, '--key', save('bad.json', '{"keys":[]}'));
    expect(badKey.stderr).toContain('error [AUDIT_INPUT_INVALID]: --key:');
  }, 60_000);

  it('gives an inclusion proof and verifies the store; an altered store is named, and a tree rebuilt from it is never signed', async () => {
    const events = (await hub.raw.readAll({ maxCount: 10_000 })).filter((e) => isAudited(e.type));
    const proof = await runHubCli('audit', 'proof', events[2]!.id, '-d', hub.dir);
    expect(JSON.parse(proof.stdout)).toMatchObject({ eventId: events[2]!.id, index: 2, treeSize: 9 });
    expect((await runHubCli('audit', 'verify', '--store', '-d', hub.dir)).stdout).toContain(
      'covered      9 entries',
    );

    const db = new Database(path.join(hub.dir, 'events.db'));
    db.prepare(`UPDATE events SET data = replace(data, '"fullName"', '"fullNamE"') WHERE position = ?`).run(
      events[5]!.position,
    );
    db.close();
    const store = await runHubCli('audit', 'verify', '--store', '-d', hub.dir);
    expect(store.code).toBe(1);
    expect(store.stderr).toContain(
      `entry 5 (event ${events[5]!.id}, ${events[5]!.type}) does not hash to leaf 5`,
    );

    await makeAccesses(hub, 1);
    const rebuilt = openReadModelDb(path.join(out.dir, 'rebuilt.db'));
    try {
      const runner = new ProjectionRunner({
        store: hub.raw,
        db: rebuilt,
        projections: [auditLogProjection],
        logger: silentLogger(),
      });
      await runner.catchUp(auditLogProjection.name);
      const service = new AuditService({
        store: hub.store,
        model: new AuditLogModel(rebuilt),
        signer: checkpointSigner(readSigningKey(hub.dir)),
        origin: 'hub.local/audit',
      });
      await expect(service.checkpoint()).rejects.toThrow(AuditLogInconsistentError);
    } finally {
      rebuilt.close();
    }
  }, 60_000);
});

function readSigningKey(dir: string): { x: string; d: string } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'signing-key.json'), 'utf8'));
}
