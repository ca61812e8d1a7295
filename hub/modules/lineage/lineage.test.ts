import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoExamples } from '../../../demo/sources/index.js';
import { demoSourceFile } from '../../../demo/sources/index.js';
import {
  BIRTH_REGISTRATION,
  consentToBirthRegistration,
  marriageCertificate,
  startDossierHub,
  submitBirthRegistration,
} from '../../testing/dossier-hub.js';
import { AGENCIES, type GqlResponse, type TestHub } from '../../testing/hub.js';
import { type InspectionPerformedData, inspectionStream } from '../access-log/index.js';
import { exchangeProjection } from '../exchange/index.js';
import { type LineageGraph, type LineageNode, lineageProjection, nodeId } from './index.js';

// Lineage walks over a hub whose demo ministry databases were synced through their connectors:
// a citizen's field back to the source row, a release to its basis, a dossier's components, a
// document's origin and its trail through the exchange.
let hub: TestHub;
let ex: DemoExamples;
let inspector: string;
beforeAll(async () => {
  ({ hub, ex } = await startDossierHub({ projections: [lineageProjection, exchangeProjection] }));
  inspector = await hub.token(AGENCIES.inspector, 'inspector', { official: 'tt-01' });
}, 120_000);
afterAll(async () => hub?.close());

const GRAPH = `root nodes { id kind label at more attributes { name value } } edges { from to relation }`;
const ok = (res: GqlResponse, field: string) => {
  expect(res.errors).toBeUndefined();
  return res.data![field] as LineageGraph;
};
const errorOf = (res: GqlResponse) => res.errors?.[0]?.extensions;
const node = (g: LineageGraph, id: string) => {
  const n = g.nodes.find((x) => x.id === id);
  expect(n, id).toBeDefined();
  return n!;
};
const attr = (n: LineageNode, name: string) => n.attributes.find((a) => a.name === name)?.value;
const targets = (g: LineageGraph, from: string, relation: string) =>
  g.edges.filter((e) => e.from === from && e.relation === relation).map((e) => e.to);

const fieldLineage = (personalId: string, field: string, dataset: string | null, depth?: number) =>
  hub.gql(
    inspector,
    `query($p: String!, $f: String!, $d: String, $depth: Int) {
      lineageOfField(personalId: $p, field: $f, dataset: $d, depth: $depth) { ${GRAPH} } }`,
    { p: personalId, f: field, d: dataset, depth },
  );
const expand = (id: string, depth?: number) =>
  hub.gql(inspector, `query($n: ID!, $depth: Int) { lineageExpand(node: $n, depth: $depth) { ${GRAPH} } }`, {
    n: id,
    depth,
  });

/** The mother's population record read by the Ba Đình ward; the access id. */
async function releaseFullName(): Promise<string> {
  const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
  const res = await hub.gql(
    consumer,
    `query($id: String!) { person(personalId: $id, purpose: "tthc-1.004222") { fullName release { accessId } } }`,
    { id: ex.child.motherPersonalId },
  );
  expect(res.errors).toBeUndefined();
  await hub.settle();
  return (res.data!.person as { release: { accessId: string } }).release.accessId;
}

describe('a citizen’s field, walked back to its source row', () => {
  it('goes from each release to the record event, the connector run and the row of the source table', async () => {
    const accessId = await releaseFullName();
    const g = ok(
      await fieldLineage(ex.child.motherPersonalId, 'fullName', 'population', 3),
      'lineageOfField',
    );
    const subject = hub.pseudonymize('citizen', ex.child.motherPersonalId);
    const root = nodeId.field(subject, 'population', 'fullName');
    expect(g.root).toBe(root);
    expect(g.nodes[0]).toMatchObject({ id: root, kind: 'FIELD', label: 'fullName of population' });
    expect(targets(g, root, 'released-in')).toContain(nodeId.access(accessId));

    // the record event the released value came from, as the DataAccessed names it
    const access = (await hub.accessEvents(ex.child.motherPersonalId)).find((e) => e.id === accessId)!;
    const source = (access.data as { sources: { field: string; eventId: string }[] }).sources.find(
      (s) => s.field === 'fullName',
    )!;
    const record = nodeId.record(source.eventId);
    expect(targets(g, nodeId.access(accessId), 'value-from')).toEqual([record]);
    const recordEvent = (await hub.store.readStream(`record-population-${subject}`)).find(
      (e) => e.id === source.eventId,
    )!;
    const provenance = recordEvent.metadata.source!;
    expect(provenance.connector).toBe('population-sql');

    // the run: its ConnectorRunStarted on the connector's stream names the system it read
    const [run] = targets(g, record, 'synced-by');
    expect(run).toBe(nodeId.run(provenance.runId));
    const started = (await hub.store.readStream('connector-population-sql')).find(
      (e) => e.type === 'ConnectorRunStarted' && (e.data as { runId: string }).runId === provenance.runId,
    )!;
    const system = (started.data as { system: string }).system;
    expect(system).toBe(`sqlite:${demoSourceFile(hub.dir, 'population')}`);
    expect(node(g, run!)).toMatchObject({ kind: 'RUN', label: 'population-sql run (completed)' });
    expect(attr(node(g, run!), 'system')).toBe(system);
    expect(attr(node(g, run!), 'runId')).toBe(provenance.runId);

    // the source row: system, table and key; the record names the position it was read at
    const [row] = targets(g, record, 'read-from');
    const sourceNode = node(g, row!);
    expect(sourceNode.kind).toBe('SOURCE');
    expect(attr(sourceNode, 'system')).toBe(system);
    expect(attr(sourceNode, 'table')).toBe('cong_dan');
    const key = attr(sourceNode, 'primaryKey')!;
    expect(key).toMatch(/^id=\d+$/);
    const db = new Database(demoSourceFile(hub.dir, 'population'), { readonly: true });
    const sourceRow = db
      .prepare('SELECT id, so_dinh_danh, ho_ten, ngay_cap_nhat FROM cong_dan WHERE id = ?')
      .get(Number(key.slice(3))) as {
      id: number;
      so_dinh_danh: string;
      ho_ten: string;
      ngay_cap_nhat: string;
    };
    db.close();
    expect(sourceRow.so_dinh_danh).toBe(ex.child.motherPersonalId);
    const recordNode = node(g, record);
    expect(attr(recordNode, 'position')).toBe(`ngay_cap_nhat=${sourceRow.ngay_cap_nhat};id=${sourceRow.id}`);
    expect(attr(recordNode, 'position')).toBe(provenance.position);
    expect(attr(recordNode, 'table')).toBe('cong_dan');
    expect(attr(recordNode, 'fetchedAt')).toBe(provenance.fetchedAt);

    // the contract the release relied on is there too; no personal value anywhere in the graph
    expect(targets(g, nodeId.access(accessId), 'under-contract')).toEqual([
      nodeId.contract('c06-to-ba-dinh-civil-procedures', 1),
    ]);
    const text = JSON.stringify(g);
    expect(text).not.toContain(ex.child.motherPersonalId);
    expect(text).not.toContain(sourceRow.ho_ten);
  });

  it('opens at depth 1 with `more` on what leads further; expanding adds the next ring, nothing twice', async () => {
    await releaseFullName();
    const one = ok(await fieldLineage(ex.child.motherPersonalId, 'fullName', 'population'), 'lineageOfField');
    const two = ok(
      await fieldLineage(ex.child.motherPersonalId, 'fullName', 'population', 2),
      'lineageOfField',
    );
    const ids = (g: LineageGraph) => g.nodes.map((n) => n.id);
    for (const g of [one, two]) expect(new Set(ids(g)).size).toBe(g.nodes.length);
    for (const g of [one, two])
      expect(new Set(g.edges.map((e) => `${e.from} ${e.to} ${e.relation}`)).size).toBe(g.edges.length);
    // ring 1: the releases and the record versions, each leading further
    const ring = one.nodes.slice(1);
    expect(ring.length).toBeGreaterThanOrEqual(2);
    expect(ring.every((n) => n.kind === 'ACCESS' || n.kind === 'RECORD')).toBe(true);
    expect(ring.every((n) => n.more)).toBe(true);
    expect(one.nodes[0]!.more).toBe(false);

    // expanding every node that says `more` gives exactly the nodes of depth 2
    const union = new Set(ids(one));
    for (const n of one.nodes.filter((x) => x.more)) {
      const e = ok(await expand(n.id), 'lineageExpand');
      expect(e.root).toBe(n.id);
      expect(new Set(ids(e)).size).toBe(e.nodes.length);
      expect(e.nodes.some((x) => !ids(one).includes(x.id))).toBe(true);
      for (const id of ids(e)) union.add(id);
    }
    expect([...union].sort()).toEqual(ids(two).sort());
    // at depth 2 the runs and source rows are leaves; the contracts too
    for (const n of two.nodes.filter((x) => ['RUN', 'SOURCE', 'CONTRACT'].includes(x.kind)))
      expect(n.more).toBe(false);
  });

  it('takes the field in every dataset that has it when no dataset is named', async () => {
    const g = ok(await fieldLineage(ex.child.motherPersonalId, 'fullName', null), 'lineageOfField');
    expect(g.nodes[0]).toMatchObject({ kind: 'FIELD', label: 'fullName (every dataset)' });
    const datasets = new Set(g.nodes.filter((n) => n.kind === 'RECORD').map((n) => attr(n, 'dataset')));
    expect(datasets.has('population')).toBe(true);
    expect(datasets.size).toBeGreaterThan(1);
  });
});

const BIRTH = BIRTH_REGISTRATION;
const mother = () => ex.child.motherPersonalId;
const submitBirth = async (portal: string, agency: string) =>
  (await submitBirthRegistration(hub, portal, agency, mother())).id;

const PREFILL = `query($dossier: ID!, $applicant: PrefillApplicantInput) {
  prefill(dossier: $dossier, applicant: $applicant) { values accesses } }`;

describe('an access, back to its legal basis', () => {
  it('names the consent, the contract at its version and the dossier it served', async () => {
    const portal = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: mother() });
    const id = await submitBirth(portal, AGENCIES.ngocHa);
    const consentId = await consentToBirthRegistration(hub, portal, AGENCIES.ngocHa, id);
    const prefill = await hub.gql(portal, PREFILL, { dossier: id, applicant: { personalId: mother() } });
    expect(prefill.errors).toBeUndefined();
    const [accessId] = (prefill.data!.prefill as { accesses: string[] }).accesses;
    await hub.settle();

    const res = await hub.gql(inspector, `query($a: ID!) { lineageOfAccess(accessId: $a) { ${GRAPH} } }`, {
      a: accessId,
    });
    const g = ok(res, 'lineageOfAccess');
    const root = nodeId.access(accessId!);
    expect(g.root).toBe(root);
    const access = node(g, root);
    expect(access.kind).toBe('ACCESS');
    expect(attr(access, 'agency')).toBe(AGENCIES.ngocHa);
    expect(attr(access, 'dossier')).toBe(id);
    expect(attr(access, 'subject')).toBe(hub.pseudonymize('citizen', mother()));

    const [consent] = targets(g, root, 'under-consent');
    expect(consent).toBe(nodeId.consent(consentId));
    expect(node(g, consent!)).toMatchObject({
      kind: 'CONSENT',
      label: `consent to ${AGENCIES.ngocHa} (active)`,
    });
    expect(attr(node(g, consent!), 'dossier')).toBe(id);
    expect(attr(node(g, consent!), 'purposes')).toBe(`tthc-${BIRTH}`);

    const event = (await hub.accessEvents(mother())).find((e) => e.id === accessId)!;
    const contract = (event.data as { contract: { id: string; version: number } }).contract;
    const [contractNode] = targets(g, root, 'under-contract');
    expect(contractNode).toBe(nodeId.contract(contract.id, contract.version));
    const c = node(g, contractNode!);
    expect(c.kind).toBe('CONTRACT');
    expect(attr(c, 'version')).toBe(String(contract.version));
    expect(attr(c, 'consumer')).toBe(AGENCIES.ngocHa);
    expect(attr(c, 'consentRequired')).toBe('true');
    expect(attr(c, 'legalBasis')).toEqual(expect.any(String));

    const [dossier] = targets(g, root, 'for-dossier');
    expect(dossier).toBe(nodeId.dossier(id));
    expect(node(g, dossier!)).toMatchObject({ kind: 'DOSSIER', more: true });
    expect(attr(node(g, dossier!), 'agency')).toBe(AGENCIES.ngocHa);
    // the consent names the dossier too: both edges, one dossier node
    expect(targets(g, consent!, 'for-dossier')).toEqual([dossier]);
    expect(g.nodes.filter((n) => n.id === dossier)).toHaveLength(1);
  });
});

describe('a dossier, component by component', () => {
  it('shows which components were reused from where, which were uploaded, and which asked again', async () => {
    const certificate = await marriageCertificate(hub, mother());
    const documentId = certificate.documentId;
    const portal = await hub.token(AGENCIES.portal, 'citizen-portal', { citizenPid: mother() });
    const id = await submitBirth(portal, AGENCIES.baDinh);
    const applicant = { personalId: mother(), fullName: 'Họ Tên Mẹ', phone: '0912345678' };
    const p = await hub.gql(portal, PREFILL, { dossier: id, applicant });
    expect(p.errors).toBeUndefined();
    const prefill = p.data!.prefill as {
      values: Record<string, Record<string, unknown>>;
      accesses: string[];
    };
    const values = {
      ...prefill.values,
      declarant: { ...prefill.values.declarant, relationship: 'mother' },
      child: {
        fullName: 'Lê Minh Khôi',
        gender: 'male',
        dateOfBirth: '2026-11-20',
        placeOfBirth: 'Bệnh viện',
      },
    };
    const completed = await hub.gql(
      portal,
      'mutation($id: ID!, $input: CompleteDeclarationInput!) { completeDeclaration(id: $id, input: $input) { id } }',
      {
        id,
        input: {
          values,
          components: [
            { component: 'giay-chung-sinh', documentId: 'giay-chung-sinh-1' },
            { component: 'nhan-than-me', documentId: 'cccd-me-1' },
          ],
        },
      },
    );
    expect(completed.errors).toBeUndefined();
    await hub.settle();

    const res = await hub.gql(
      inspector,
      `query($d: String!) { lineageOfDossier(dossier: $d, depth: 3) { ${GRAPH} } }`,
      {
        d: id,
      },
    );
    const g = ok(res, 'lineageOfDossier');
    const root = nodeId.dossier(id);
    const dossier = node(g, root);
    expect(attr(dossier, 'componentsReused')).toBe('1');
    expect(attr(dossier, 'componentsUploaded')).toBe('1');
    expect(attr(dossier, 'componentsAskedAgain')).toBe('1');
    expect(targets(g, root, 'read')).toEqual(prefill.accesses.map(nodeId.access));
    const component = (code: string) => node(g, nodeId.component(id, code));

    // reused: the earlier result, itself issued in an earlier dossier of the ward
    const reused = component('giay-chung-nhan-ket-hon');
    expect(reused).toMatchObject({ kind: 'COMPONENT', label: 'giay-chung-nhan-ket-hon: reused' });
    expect(targets(g, reused.id, 'reused-from')).toEqual([nodeId.document(documentId)]);
    const doc = node(g, nodeId.document(documentId));
    expect(attr(doc, 'origin')).toBe('result');
    expect(attr(doc, 'issuer')).toBe(AGENCIES.baDinh);
    expect(attr(doc, 'eventId')).toBe(certificate.eventId);
    expect(targets(g, doc.id, 'issued-in')).toEqual([nodeId.dossier(`${AGENCIES.baDinh}-200101-0001`)]);

    // uploaded: a document the citizen gave, which the hub does not store
    const uploaded = component('giay-chung-sinh');
    expect(uploaded.label).toBe('giay-chung-sinh: uploaded');
    expect(targets(g, uploaded.id, 'uploaded')).toEqual([nodeId.document('giay-chung-sinh-1')]);
    expect(attr(node(g, nodeId.document('giay-chung-sinh-1')), 'recorded')).toBe('false');

    // asked again: uploaded although the state held it, in her population record
    const asked = component('nhan-than-me');
    expect(asked.label).toBe('nhan-than-me: asked again');
    expect(targets(g, asked.id, 'uploaded')).toEqual([nodeId.document('cccd-me-1')]);
    const [held] = targets(g, asked.id, 'held-as');
    expect(node(g, held!)).toMatchObject({
      kind: 'RECORD',
      label: expect.stringMatching(/^population record/),
    });
    // and the record came through the population connector, one ring further
    expect(targets(g, held!, 'synced-by')).toHaveLength(1);

    // the document's own lineage: where it came from, and the dossiers it was reused in show its count
    const d = await hub.gql(
      inspector,
      `query($d: String!) { lineageOfDocument(documentId: $d) { ${GRAPH} } }`,
      {
        d: documentId,
      },
    );
    const dg = ok(d, 'lineageOfDocument');
    expect(dg.nodes.map((n) => n.kind)).toEqual(['DOCUMENT', 'DOSSIER']);
    expect(attr(dg.nodes[0]!, 'reuses')).toBe('1');
  });
});

const MINISTRY = '000.00.00.G09';
const SOCIAL_SECURITY = '000.00.00.G22';

describe('an exchanged document, hop by hop', () => {
  it('follows the document and its statuses through the hub that carried them', async () => {
    const sender = await hub.token(MINISTRY, 'provider');
    const sent = await hub.gql(
      sender,
      'mutation ($input: SendDocumentInput!) { sendDocument(input: $input) { documentId messageKey } }',
      {
        input: {
          to: [SOCIAL_SECURITY],
          codeNumber: '17',
          codeNotation: 'BTP-VP',
          place: 'Hà Nội',
          documentType: 'Công văn',
          subject: 'Về việc phối hợp',
          signerPosition: 'Chánh Văn phòng',
          signerFullName: 'Nguyễn Văn A',
        },
      },
    );
    expect(sent.errors).toBeUndefined();
    const { documentId, messageKey } = sent.data!.sendDocument as { documentId: string; messageKey: string };
    const recipient = await hub.token(SOCIAL_SECURITY, 'provider');
    const status = await hub.gql(
      recipient,
      'mutation ($input: DocumentStatusInput!) { reportDocumentStatus(input: $input) { messageKey } }',
      { input: { documentId, statusCode: '01' } },
    );
    expect(status.errors).toBeUndefined();
    const statusKey = (status.data!.reportDocumentStatus as { messageKey: string }).messageKey;
    await hub.settle();

    const res = await hub.gql(
      inspector,
      `query($d: String!) { lineageOfDocument(documentId: $d) { ${GRAPH} } }`,
      {
        d: documentId,
      },
    );
    const g = ok(res, 'lineageOfDocument');
    const root = nodeId.document(documentId);
    expect(node(g, root)).toMatchObject({ kind: 'DOCUMENT', label: 'exchanged document' });
    const hubId = 'hub.local';
    const hop = nodeId.hop(hubId, messageKey, documentId);
    const statusHop = nodeId.hop(hubId, statusKey, documentId);
    expect(targets(g, root, 'sent-as').sort()).toEqual([hop, statusHop].sort());
    const h = node(g, hop);
    expect(h).toMatchObject({ kind: 'HOP', label: `document at ${hubId}` });
    expect(attr(h, 'fromOrgan')).toBe(MINISTRY);
    expect(attr(h, 'deliveredTo')).toBe(SOCIAL_SECURITY);
    expect(attr(h, 'via')).toBe('api');
    expect(attr(h, 'codeNotation')).toBe('BTP-VP');
    const s = node(g, statusHop);
    expect(s.label).toBe(`status 01 at ${hubId}`);
    expect(attr(s, 'fromOrgan')).toBe(SOCIAL_SECURITY);
    expect(attr(s, 'deliveredTo')).toBe(MINISTRY);
    // the subject line of a document is not shown (it may name people)
    expect(JSON.stringify(g)).not.toContain('phối hợp');

    // a hop expands on its own (the trail read again)
    const e = ok(await expand(hop), 'lineageExpand');
    expect(e.nodes).toEqual([h]);
  });
});

describe('after an erasure', () => {
  it('still shows who received what, the subject marked erased, with no value to open', async () => {
    const father = ex.child.fatherPersonalId;
    const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
    const res = await hub.gql(
      consumer,
      `query($id: String!) { person(personalId: $id, purpose: "tthc-1.004222") { fullName release { accessId } } }`,
      { id: father },
    );
    expect(res.errors).toBeUndefined();
    const accessId = (res.data!.person as { release: { accessId: string } }).release.accessId;
    await hub.erase(father);
    await hub.settle();
    const g = ok(await fieldLineage(father, 'fullName', 'population', 2), 'lineageOfField');
    expect(attr(g.nodes[0]!, 'subjectErasedAt')).toEqual(expect.any(String));
    expect(targets(g, g.root, 'released-in')).toContain(nodeId.access(accessId));
    expect(g.nodes.some((n) => n.kind === 'SOURCE')).toBe(true);
  });
});

describe('refusals', () => {
  it('answers FORBIDDEN to anyone but an inspector, BAD_USER_INPUT naming the argument, and LINEAGE_NOT_FOUND', async () => {
    const consumer = await hub.token(AGENCIES.baDinh, 'consumer');
    const forbidden = await hub.gql(consumer, `query($n: ID!) { lineageExpand(node: $n) { root } }`, {
      n: nodeId.dossier('x'),
    });
    expect(errorOf(forbidden)).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await fieldLineage('12', 'fullName', 'population'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'personalId',
    });
    expect(errorOf(await fieldLineage(ex.child.motherPersonalId, 'noSuchField', null))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'field',
    });
    expect(
      errorOf(await fieldLineage(ex.child.motherPersonalId, 'fullName', 'no-such-dataset')),
    ).toMatchObject({
      field: 'dataset',
    });
    for (const depth of [0, 6]) {
      expect(
        errorOf(await fieldLineage(ex.child.motherPersonalId, 'fullName', 'population', depth)),
      ).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'depth',
      });
    }
    expect(errorOf(await expand('nothing:at-all'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'node' });
    expect(errorOf(await expand('access:not-a-uuid'))).toMatchObject({ field: 'node' });
    const access = await hub.gql(inspector, `query($a: ID!) { lineageOfAccess(accessId: $a) { root } }`, {
      a: 'not-a-uuid',
    });
    expect(errorOf(access)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accessId' });
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await hub.gql(inspector, `query($a: ID!) { lineageOfAccess(accessId: $a) { root } }`, {
      a: unknown,
    });
    expect(errorOf(missing)).toMatchObject({
      code: 'BAD_USER_INPUT',
      hubCode: 'LINEAGE_NOT_FOUND',
      field: 'accessId',
      node: nodeId.access(unknown),
    });
    const dossier = await hub.gql(
      inspector,
      `query { lineageOfDossier(dossier: "000.04.01.H26-200101-9999") { root } }`,
    );
    expect(errorOf(dossier)).toMatchObject({ hubCode: 'LINEAGE_NOT_FOUND', field: 'dossier' });
    const citizen = hub.citizens[1] as { personalId: string };
    expect(errorOf(await fieldLineage(citizen.personalId, 'ethnicity', 'judicial-records'))).toMatchObject({
      field: 'field',
    });
  });
});

describe('the record of inspections', () => {
  it('records each lineage query as InspectionPerformed before answering, a query that found nothing too', async () => {
    const inspections = async () => {
      try {
        return await hub.store.readStream(inspectionStream(AGENCIES.inspector));
      } catch {
        return [];
      }
    };
    const before = (await inspections()).length;
    const g = ok(await fieldLineage(mother(), 'fullName', 'population', 2), 'lineageOfField');
    const unknown = '00000000-0000-4000-8000-000000000001';
    await hub.gql(inspector, `query($a: ID!) { lineageOfAccess(accessId: $a) { root } }`, { a: unknown });
    await fieldLineage(mother(), 'fullName', 'population', 9); // refused input: nothing read, nothing recorded
    const recorded = (await inspections()).slice(before);
    expect(recorded.map((e) => e.type)).toEqual(['InspectionPerformed', 'InspectionPerformed']);
    const [field, missing] = recorded.map((e) => e.data as InspectionPerformedData);
    const subject = hub.pseudonymize('citizen', mother());
    expect(field).toMatchObject({
      caller: { agency: AGENCIES.inspector, official: 'tt-01', role: 'inspector' },
      kind: 'lineage',
      subject,
      query: { operation: 'lineageOfField', subject, field: 'fullName', dataset: 'population', depth: 2 },
      count: g.nodes.length,
    });
    expect(missing).toMatchObject({
      kind: 'lineage',
      subject: null,
      query: { operation: 'lineageOfAccess', accessId: unknown, depth: null },
      count: 0,
    });
    expect(JSON.stringify(recorded)).not.toContain(mother());
  });
});
