import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../kernel/event-store.js';
import { exportBundle, makeAccesses, startAuditedHub } from '../../testing/audit-log.js';
import { AGENCIES, type TestHub } from '../../testing/hub.js';
import { checkpointVerifier, parseSignedNote, verifyCheckpoint } from './checkpoint-note.js';
import { entryBytes, isAudited } from './entries.js';
import { leafHash, MerkleFrontier, verifyConsistency, verifyInclusion } from './merkle.js';
import type { CheckpointView, InclusionProofView } from './service.js';
import { type TrustedCheckpoint, verifyChunks } from './verify.js';

const once = (bytes: Buffer) =>
  (async function* () {
    yield bytes;
  })();

/** The tree head of the audited events as the store holds them, computed from scratch. */
async function headFromStore(hub: TestHub, size: number): Promise<Buffer> {
  const frontier = new MerkleFrontier();
  for (const event of await hub.raw.readAll({ maxCount: 1_000_000 })) {
    if (frontier.size < size && isAudited(event.type)) frontier.append(leafHash(entryBytes(event)));
  }
  return frontier.root();
}

/** What the inspectors of the test hub's inspectorate read, as the access log records it. */
const inspectionsOf = (hub: TestHub) => hub.raw.readStream(`inspection-${AGENCIES.inspector}`);

async function publishedKey(hub: TestHub) {
  const res = await hub.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
  return checkpointVerifier(res.json().keys[0].x);
}

async function latestCheckpoint(hub: TestHub): Promise<CheckpointView> {
  const res = await hub.app.inject({ method: 'GET', url: '/audit/checkpoint' });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const trusted = (c: CheckpointView): TrustedCheckpoint => ({
  body: c,
  signatures: [Buffer.from(c.signature, 'base64')],
});

const PROOF = `query($id: ID!) { auditProof(eventId: $id) {
  eventId index treeSize leafHash entry hashes checkpoint { size rootHash at keyId signature note origin }
} }`;

describe('the audit log of a hub', () => {
  let hub: TestHub;
  let inspector: string;
  let events: RecordedEvent[];
  beforeAll(async () => {
    hub = await startAuditedHub();
    inspector = await hub.token(AGENCIES.inspector, 'inspector');
  }, 60_000);
  afterAll(async () => hub?.close());

  it('has no checkpoint before the first is signed', async () => {
    const res = await hub.app.inject({ method: 'GET', url: '/audit/checkpoint' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('AUDIT_NO_CHECKPOINT');
    const gql = await hub.gql(inspector, '{ auditCheckpoint { size } }');
    expect(gql.data).toEqual({ auditCheckpoint: null });
    expect(await hub.app.audit.service.checkpoint()).toEqual({ checkpoint: null, signed: false });
  });

  it('signs the tree head of every access event in log order, published as JSON and as a signed note', async () => {
    await makeAccesses(hub, 14);
    const { signed, checkpoint } = await hub.app.audit.service.checkpoint();
    expect(signed).toBe(true);
    events = (await hub.raw.readAll({ maxCount: 100_000 })).filter((e) => isAudited(e.type));
    expect(checkpoint?.size).toBe(events.length);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(['DataAccessed', 'DataAccessDenied']));
    expect(checkpoint?.rootHash).toBe((await headFromStore(hub, events.length)).toString('base64'));

    const json = await latestCheckpoint(hub);
    expect(json).toMatchObject({ ...checkpoint, origin: 'hub.local/audit', keyId: hub.signingKey.kid });
    const key = await publishedKey(hub);
    expect(verifyCheckpoint(json, Buffer.from(json.signature, 'base64'), key)).toBe(true);
    const note = await hub.app.inject({ method: 'GET', url: '/audit/checkpoint?format=note' });
    expect(note.headers['content-type']).toMatch(/^text\/plain/);
    expect(note.body).toBe(json.note);
    expect(note.body).toMatch(
      new RegExp(
        `^hub\\.local/audit\\n${events.length}\\n[A-Za-z0-9+/]{43}=\\ntime ${json.at}\\n\\n\u2014 hub\\.local/audit `,
      ),
    );
    const parsed = parseSignedNote(note.body)!;
    expect(parsed.body).toEqual({
      origin: json.origin,
      size: json.size,
      rootHash: json.rootHash,
      at: json.at,
    });
    expect(verifyCheckpoint(parsed.body, parsed.signatures[0]!, key)).toBe(true);
    expect((await hub.app.inject({ method: 'GET', url: '/audit/checkpoint?format=xml' })).statusCode).toBe(
      400,
    );

    await hub.settle();
    expect(await hub.app.audit.service.checkpoint()).toMatchObject({
      signed: false,
      checkpoint: { size: events.length },
    });
    const gql = await hub.gql(
      inspector,
      '{ auditCheckpoint { origin size rootHash at keyId signature note } }',
    );
    expect(gql.data).toEqual({ auditCheckpoint: json });
    const consumer = await hub.gql(
      await hub.token(AGENCIES.baDinh, 'consumer'),
      '{ auditCheckpoint { size } }',
    );
    expect(consumer.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it("proves one access's inclusion, signing a checkpoint first when the access came after the latest", async () => {
    const first = events.find((e) => e.type === 'DataAccessed')!;
    const res = await hub.gql(inspector, PROOF, { id: first.id });
    const proof = res.data!.auditProof as InclusionProofView;
    expect(proof.eventId).toBe(first.id);
    expect(proof.entry).toBe(entryBytes(first).toString('utf8'));
    expect(proof.leafHash).toBe(leafHash(Buffer.from(proof.entry)).toString('base64'));
    const root = Buffer.from(proof.checkpoint.rootHash, 'base64');
    const path = proof.hashes.map((h) => Buffer.from(h, 'base64'));
    expect(
      verifyInclusion(proof.index, proof.treeSize, Buffer.from(proof.leafHash, 'base64'), path, root),
    ).toBe(true);
    expect(
      verifyInclusion(proof.index + 1, proof.treeSize, Buffer.from(proof.leafHash, 'base64'), path, root),
    ).toBe(false);
    expect(proof.treeSize).toBe(proof.checkpoint.size);

    const inspection = await inspectionsOf(hub);
    expect(inspection.at(-1)?.data).toMatchObject({
      kind: 'audit-proof',
      subject: (first.data as { subject: string }).subject,
      query: { eventId: first.id },
      count: 1,
    });

    await makeAccesses(hub, 3, 2);
    const [fresh] = (await hub.accessEvents(hub.citizens[4]!.personalId as string)).slice(-1);
    const size = hub.app.audit.service.model.size();
    const later = (await hub.gql(inspector, PROOF, { id: fresh!.id })).data!.auditProof as InclusionProofView;
    expect(later.treeSize).toBe(size);
    expect(later.index).toBe(size - 1);
    const head = Buffer.from(later.checkpoint.rootHash, 'base64');
    expect(
      verifyInclusion(
        later.index,
        later.treeSize,
        leafHash(Buffer.from(later.entry)),
        later.hashes.map((h) => Buffer.from(h, 'base64')),
        head,
      ),
    ).toBe(true);
    const consistency = hub.app.audit.service.model.consistency(proof.treeSize, later.treeSize);
    expect(verifyConsistency(proof.treeSize, later.treeSize, consistency, root, head)).toBe(true);

    const unknown = await hub.gql(inspector, PROOF, { id: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.data).toEqual({ auditProof: null });
    const bad = await hub.gql(inspector, PROOF, { id: 'not-a-uuid' });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'eventId' });
    const consumer = await hub.gql(await hub.token(AGENCIES.baDinh, 'consumer'), PROOF, { id: first.id });
    expect(consumer.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
  });

  it('exports the bundle to inspectors only, and it verifies against the published key and checkpoint', async () => {
    await hub.settle();
    expect((await hub.app.inject({ method: 'GET', url: '/audit/export' })).statusCode).toBe(401);
    const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
    const forbidden = await hub.app.inject({
      method: 'GET',
      url: '/audit/export',
      headers: { authorization: `Bearer ${consumer}` },
    });
    expect(forbidden.statusCode).toBe(403);
    const entries = hub.app.audit.service.model.size();
    const res = await hub.app.inject({
      method: 'GET',
      url: '/audit/export',
      headers: { authorization: `Bearer ${inspector}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-hub\.local-audit-\d+\.ndjson"$/,
    );
    const checkpoint = await latestCheckpoint(hub);
    const report = await verifyChunks(once(res.rawPayload), {
      keys: [await publishedKey(hub)],
      trusted: trusted(checkpoint),
    });
    // the inspector's own reads (proofs asked for) are entries after the checkpoint
    expect(report).toMatchObject({ checkpoints: 2, covered: checkpoint.size, entries: entries });
    expect(report.uncovered).toBe(entries - checkpoint.size);
    expect((await inspectionsOf(hub)).at(-1)?.data).toMatchObject({
      kind: 'audit-export',
      subject: null,
      count: report.entries,
    });
  });

  it('still verifies after a citizen is erased by crypto-shredding, and goes on growing consistently', async () => {
    const before = await latestCheckpoint(hub);
    const pid = hub.citizens[0]!.personalId as string;
    const subject = hub.pseudonymize('citizen', pid);
    expect((await hub.accessEvents(pid)).length).toBeGreaterThan(0);
    expect((await hub.erase(pid)).keyDeleted).toBe(true);
    await hub.settle();

    expect(await hub.app.audit.service.verifyStore()).toMatchObject({ covered: before.size });
    const bundle = await exportBundle(hub);
    expect(bundle.toString('utf8')).toContain(`"subject":"${subject}"`);
    expect(await verifyChunks(once(bundle), { trusted: trusted(before) })).toMatchObject({
      covered: before.size,
    });

    await makeAccesses(hub, 5, 1);
    const { checkpoint } = await hub.app.audit.service.checkpoint();
    await hub.settle();
    const proof = hub.app.audit.service.model.consistency(before.size, checkpoint!.size);
    const [root1, root2] = [before.rootHash, checkpoint!.rootHash].map((r) => Buffer.from(r, 'base64'));
    expect(verifyConsistency(before.size, checkpoint!.size, proof, root1!, root2!)).toBe(true);
    expect(await verifyChunks(once(await exportBundle(hub)), { trusted: trusted(before) })).toMatchObject({
      checkpoints: 3,
      covered: checkpoint!.size,
      uncovered: 0,
    });
  });
});

describe('the background signer', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startAuditedHub({
      citizens: 4,
      settings: { auditCheckpointEntries: 3, auditCheckpointMs: 60_000 },
    });
  }, 60_000);
  afterAll(async () => hub?.close());

  const size = () => hub.app.audit.service.latest()?.size ?? 0;

  it('signs every N entries or once the oldest has waited T, whichever comes first, and nothing when nothing is new', async () => {
    const { worker } = hub.app.audit;
    expect(await worker.tick()).toBe(false);
    await makeAccesses(hub, 2);
    await worker.tick();
    expect(size()).toBe(0);
    await makeAccesses(hub, 1, 2);
    await worker.tick();
    expect(size()).toBe(3);
    expect(await worker.tick()).toBe(false);

    const now = Date.now();
    hub.setNow(new Date(now));
    await makeAccesses(hub, 1, 3);
    await worker.tick();
    expect(size()).toBe(3);
    hub.setNow(new Date(now + 59_000));
    await worker.tick();
    expect(size()).toBe(3);
    hub.setNow(new Date(now + 61_000));
    await worker.tick();
    expect(size()).toBe(4);
    await hub.settle();
    const stream = await hub.raw.readStream('audit-checkpoints');
    expect(stream.map((e) => (e.data as { size: number }).size)).toEqual([3, 4]);
    expect(stream[1]!.metadata.actor).toEqual({ kind: 'system', id: 'audit-checkpointer' });
  });
});
