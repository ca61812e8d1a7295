import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditBundleInvalidError } from '../../kernel/errors/index.js';
import { exportBundle, makeAccesses, startAuditedHub } from '../../testing/audit-log.js';
import type { TestHub } from '../../testing/hub.js';
import { checkpointLine, endLine, manifestLine } from './bundle.js';
import { canonicalJson } from './canonical-json.js';
import {
  type CheckpointSigner,
  checkpointSigner,
  checkpointVerifier,
  signCheckpoint,
} from './checkpoint-note.js';
import { type TrustedCheckpoint, type VerifyOptions, verifyChunks } from './verify.js';

let hub: TestHub;
let bundle: Buffer;
/** Each line of the bundle: its kind, where it starts and ends (newline included), its entry index. */
let lines: { kind: string; start: number; end: number; entry: number | null }[];
let latest: TrustedCheckpoint;

const once = (bytes: Buffer) =>
  (async function* () {
    yield bytes;
  })();
const verify = (bytes: Buffer, options?: VerifyOptions) => verifyChunks(once(bytes), options);

async function failure(bytes: Buffer, options?: VerifyOptions): Promise<AuditBundleInvalidError> {
  try {
    await verify(bytes, options);
  } catch (error) {
    if (error instanceof AuditBundleInvalidError) return error;
    throw error;
  }
  throw new Error('the bundle verified');
}

const split = (bytes: Buffer) => bytes.toString('utf8').split('\n').slice(0, -1);
const join = (parts: string[]) => Buffer.from(`${parts.join('\n')}\n`, 'utf8');
const kindOf = (text: string) => /^\{"(manifest|checkpoint|leaves|end)"/.exec(text)?.[1] ?? 'entry';

function freshSigner(): CheckpointSigner {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return checkpointSigner({ x: jwk.x!, d: jwk.d! });
}

/** The checkpoint line re-signed by `signer` (and named after it when `rename`). */
function resign(text: string, signer: CheckpointSigner, rename: boolean): string {
  const record = JSON.parse(text) as { checkpoint: Record<string, unknown>; consistency: unknown };
  const c = record.checkpoint as { origin: string; size: number; rootHash: string; at: string };
  const signature = signCheckpoint(c, signer).toString('base64');
  const keyId = rename ? signer.keyId : record.checkpoint.keyId;
  return canonicalJson({ ...record, checkpoint: { ...record.checkpoint, signature, keyId } });
}

beforeAll(async () => {
  hub = await startAuditedHub();
  const { service } = hub.app.audit;
  await makeAccesses(hub, 10);
  await service.checkpoint();
  await makeAccesses(hub, 9, 3);
  await service.checkpoint();
  await makeAccesses(hub, 13, 5);
  await service.checkpoint();
  await hub.settle();
  bundle = await exportBundle(hub);
  let start = 0;
  let entry = 0;
  lines = split(bundle).map((text) => {
    const end = start + Buffer.byteLength(text) + 1;
    const kind = kindOf(text);
    const line = { kind, start, end, entry: kind === 'entry' ? entry++ : null };
    start = end;
    return line;
  });
  const res = await hub.app.inject({ method: 'GET', url: '/audit/checkpoint' });
  const c = res.json();
  latest = { body: c, signatures: [Buffer.from(c.signature, 'base64')] };
}, 90_000);
afterAll(async () => hub?.close());

describe('a bundle of the log', () => {
  it('verifies clean, in any chunking, with the hub key pinned and the latest checkpoint trusted', async () => {
    const size = hub.app.audit.service.model.size();
    expect(size).toBeGreaterThanOrEqual(32);
    const pinned = { keys: [checkpointVerifier(hub.signingKey.publicJwk.x!)], trusted: latest };
    const report = await verify(bundle, pinned);
    expect(report).toMatchObject({ entries: size, checkpoints: 3, covered: size, uncovered: 0 });
    expect(report.keyId).toBe(hub.signingKey.kid);
    expect(report.latest?.size).toBe(size);
    const pieces = async function* () {
      for (let at = 0; at < bundle.length; at += 997) yield bundle.subarray(at, at + 997);
    };
    expect(await verifyChunks(pieces(), pinned)).toEqual(report);
    expect(lines.map((l) => l.kind).filter((k) => k !== 'entry')).toEqual([
      'manifest',
      'checkpoint',
      'leaves',
      'checkpoint',
      'leaves',
      'checkpoint',
      'leaves',
      'end',
    ]);
  });

  it('detects every single-byte change, naming its line, and the entry when it is one (sampled over the whole file)', async () => {
    // every 9th byte of the file; every byte of the manifest, of one checkpoint, one line of leaf
    // hashes and the end record; every structural character (and the newline) of two entries
    const positions = new Set<number>();
    for (let p = 0; p < bundle.length; p += 9) positions.add(p);
    const firstOf = (kind: string) => lines.find((l) => l.kind === kind)!;
    const structural = [lines.find((l) => l.entry === 0)!, lines.findLast((l) => l.kind === 'entry')!];
    for (const line of [
      firstOf('manifest'),
      lines.findLast((l) => l.kind === 'checkpoint')!,
      firstOf('leaves'),
      firstOf('end'),
    ]) {
      for (let p = line.start; p < line.end; p++) positions.add(p);
    }
    for (const line of structural) {
      for (let p = line.start; p < line.end; p++)
        if ('{}[]:,"\n'.includes(String.fromCharCode(bundle[p]!))) positions.add(p);
    }
    const lineOf = (p: number) => lines.findIndex((l) => p >= l.start && p < l.end);
    const reasons = new Map<string, number>();
    for (const p of positions) {
      // bit 0 or bit 5 (letter case, digit to other character) by turns
      for (const mask of [p % 2 === 0 ? 0x01 : 0x20]) {
        const changed = Buffer.from(bundle);
        changed[p]! ^= mask;
        const error = await failure(changed);
        const i = lineOf(p);
        expect(error.line, `byte ${p} ^ ${mask}: ${error.message}`).toBe(i + 1);
        expect(error.message).toMatch(new RegExp(`^line ${i + 1}: `));
        if (lines[i]!.kind === 'entry') {
          expect(error.entry, error.message).toBe(lines[i]!.entry);
          expect(error.reason).toBe('entry');
        }
        reasons.set(error.reason, (reasons.get(error.reason) ?? 0) + 1);
      }
    }
    expect(positions.size).toBeGreaterThan(bundle.length / 9);
    expect([...reasons.keys()].sort()).toEqual(
      expect.arrayContaining(['consistency', 'entry', 'key', 'leaves', 'malformed', 'signature']),
    );
  }, 120_000);

  it('detects a deleted, an inserted and two reordered entries, naming the first entry out of place', async () => {
    const parts = split(bundle);
    const entryLine = (n: number) => lines.findIndex((l) => l.entry === n);
    const deleted = parts.filter((_, i) => i !== entryLine(14));
    let error = await failure(join(deleted));
    expect([error.reason, error.entry]).toEqual(['entry', 14]);
    expect(error.message).toContain(`its bytes are those of entry 15`);

    const inserted = [...parts];
    inserted.splice(entryLine(20), 0, parts[entryLine(3)]!);
    error = await failure(join(inserted));
    expect([error.reason, error.entry]).toEqual(['entry', 20]);

    const swapped = [...parts];
    swapped[entryLine(11)] = parts[entryLine(16)]!;
    swapped[entryLine(16)] = parts[entryLine(11)]!;
    error = await failure(join(swapped));
    expect([error.reason, error.entry]).toEqual(['entry', 11]);
    expect(error.message).toContain('its bytes are those of entry 16');

    const acrossCheckpoints = [...parts];
    acrossCheckpoints[entryLine(2)] = parts[entryLine(25)]!;
    acrossCheckpoints[entryLine(25)] = parts[entryLine(2)]!;
    error = await failure(join(acrossCheckpoints));
    expect([error.reason, error.entry]).toEqual(['entry', 2]);
  });

  it('detects a truncation: cut anywhere, or entries dropped before a checkpoint or the end', async () => {
    for (const at of [1, 100, lines[5]!.start + 3, Math.floor(bundle.length / 2), bundle.length - 1]) {
      const error = await failure(bundle.subarray(0, at));
      expect(error.reason, error.message).toMatch(/truncated|entry|malformed|leaves|signature/);
    }
    expect((await failure(bundle.subarray(0, bundle.length - 1))).reason).toBe('truncated');
    const parts = split(bundle);
    const last = lines.findLastIndex((l) => l.kind === 'entry');
    const error = await failure(join(parts.filter((_, i) => i !== last - 1 && i !== last)));
    expect(error.reason).toBe('truncated');
    expect(error.message).toMatch(/checkpoint 3 \(size \d+\) covers \d+ entries; the bundle gives \d+/);
  });

  it('catches a bundle cut before its last checkpoint only against a trusted checkpoint', async () => {
    const parts = split(bundle);
    const third = lines.findIndex(
      (l, i) =>
        l.kind === 'checkpoint' && lines.slice(0, i).filter((x) => x.kind === 'checkpoint').length === 2,
    );
    const kept = parts.slice(0, third);
    const entries = kept.filter((t) => kindOf(t) === 'entry').length;
    const cut = Buffer.concat([join(kept), endLine(2, entries)]);
    const report = await verify(cut);
    expect(report).toMatchObject({ checkpoints: 2, entries, uncovered: 0 });
    const error = await failure(cut, { trusted: latest });
    expect(error.reason).toBe('truncated');
    expect(error.message).toContain(
      `the trusted checkpoint covers ${latest.body.size} entries, the bundle holds only ${entries}`,
    );
  });

  it('refuses a forged signature, another key, a wrong size, and a trusted checkpoint that was altered', async () => {
    const parts = split(bundle);
    const second = lines.findIndex((l, i) => l.kind === 'checkpoint' && i > 3);
    const attacker = freshSigner();

    const forged = [...parts];
    forged[second] = resign(parts[second]!, attacker, false);
    let error = await failure(join(forged));
    expect([error.reason, error.checkpoint, error.line]).toEqual(['signature', 2, second + 1]);
    expect(error.message).toContain('the signature does not verify');

    forged[second] = resign(parts[second]!, attacker, true);
    error = await failure(join(forged));
    expect([error.reason, error.checkpoint]).toEqual(['key', 2]);

    const resized = [...parts];
    const record = JSON.parse(parts[second]!);
    record.checkpoint.size -= 1;
    resized[second] = canonicalJson(record);
    error = await failure(join(resized));
    expect([error.reason, error.checkpoint]).toEqual(['signature', 2]);

    // every checkpoint re-signed with another key and the manifest naming it: consistent in itself,
    // refused once the hub's key is pinned
    const resigned = parts.map((t, i) =>
      i === 0
        ? manifestLine(attacker.jwk).toString().trimEnd()
        : kindOf(t) === 'checkpoint'
          ? resign(t, attacker, true)
          : t,
    );
    expect((await verify(join(resigned))).keyId).toBe(attacker.keyId);
    error = await failure(join(resigned), { keys: [checkpointVerifier(hub.signingKey.publicJwk.x!)] });
    expect(error.reason).toBe('key');
    expect(error.message).toContain(`not a pinned key (${hub.signingKey.kid})`);
    error = await failure(join(resigned), { trusted: latest });
    expect(error.reason).toBe('trusted-checkpoint');

    // a checkpoint the hub's key signed over another history of the same entries (a fork)
    const hubKey = JSON.parse(fs.readFileSync(path.join(hub.dir, 'signing-key.json'), 'utf8'));
    const fork = {
      ...latest.body,
      size: latest.body.size - 2,
      rootHash: Buffer.alloc(32, 7).toString('base64'),
    };
    error = await failure(bundle, {
      trusted: { body: fork, signatures: [signCheckpoint(fork, checkpointSigner(hubKey))] },
    });
    expect(error.reason).toBe('trusted-checkpoint');
    expect(error.message).toContain('give two tree heads for the same entries');

    const wrongSize = { ...latest, body: { ...latest.body, size: latest.body.size - 1 } };
    error = await failure(bundle, { trusted: wrongSize });
    expect(error.reason).toBe('trusted-checkpoint');
    expect(error.message).toContain('is not signed by key');
  });

  it('reports entries after the last checkpoint as not covered, and checks their form', async () => {
    const tail = Buffer.from(`${split(bundle).filter((t) => kindOf(t) === 'entry')[0]}\n`);
    const size = latest.body.size;
    const extended = Buffer.concat([bundle.subarray(0, lines.at(-1)!.start), tail, endLine(3, size + 1)]);
    expect(await verify(extended)).toMatchObject({ entries: size + 1, covered: size, uncovered: 1 });
    const malformed = Buffer.concat([
      bundle.subarray(0, lines.at(-1)!.start),
      Buffer.from('{"data":1}\n'),
      endLine(3, size + 1),
    ]);
    expect((await failure(malformed)).reason).toBe('malformed');
    // the checkpoint checkpointLine writes is what the verifier reads
    expect(checkpointLine(JSON.parse(split(bundle)[1]!).checkpoint, 0, []).toString()).toBe(
      `${split(bundle)[1]}\n`,
    );
  });
});
