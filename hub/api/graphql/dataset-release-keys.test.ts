import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoExamples, demoExamples } from '../../../demo/sources/index.js';
import type { HubModule, ModuleHost } from '../../kernel/module.js';
import type { Principal } from '../../kernel/principal.js';
import { type ReleaseServices, releaseRecord, releaseRecordsOfSubject } from '../../modules/access/index.js';
import { hubModules } from '../../modules/index.js';
import { AGENCIES, startTestHub, type TestHub } from '../../testing/hub.js';

// Records found by a key that is not the citizen (an enterprise code, a parcel): the release is
// decided, and recorded, on the stream of the citizen the record names. And the same path called
// server-side, as a module reading for a dossier does.
let hub: TestHub;
let ex: DemoExamples;
let services: ReleaseServices;
/** A module that only takes the release service, as the dossiers module does from its plugin. */
const reader: HubModule = {
  name: 'reader',
  projections: [],
  plugin: fp(async (_app: FastifyInstance, host: ModuleHost) => {
    services = { release: host.services.get('release') };
  }),
};
beforeAll(async () => {
  hub = await startTestHub({ citizens: 3, sources: { citizens: 400 }, modules: [...hubModules, reader] });
  ex = demoExamples(hub.dir)!;
}, 120_000);
afterAll(async () => hub?.close());

const RESIDENCE = 'tthc-1.004222';
const codeOf = (res: { errors?: { extensions: { code: string } }[] }) => res.errors?.[0]?.extensions.code;
const baDinh = (): Principal => ({
  agency: AGENCIES.baDinh,
  official: 'cb-tuphap-07',
  role: 'consumer',
  tokenId: 'dossier-prefill',
  expiresAt: Math.floor(Date.now() / 1000) + 900,
});

describe('business registry by enterprise code', () => {
  it('releases the enterprise, recording DataAccessed on its legal representative’s stream', async () => {
    const res = await hub.gql(
      await hub.token(AGENCIES.baDinh, 'consumer'),
      `{ businessRegistry(enterpriseCode: "${ex.business.enterpriseCode}", purpose: "${RESIDENCE}") {
          name legalForm status headOffice { provinceCode } representativeName release { accessId sources { eventId } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const business = res.data!.businessRegistry as Record<string, unknown> & {
      release: { accessId: string };
    };
    expect(business).toMatchObject({ status: 'active', legalForm: expect.stringMatching(/^[a-z_]+$/) });
    const log = await hub.accessEvents(ex.business.representativePersonalId);
    expect(log.at(-1)).toMatchObject({
      id: business.release.accessId,
      type: 'DataAccessed',
      data: {
        dataset: 'business-registry',
        contract: { id: 'mof-to-ba-dinh-business-residence' },
        purpose: RESIDENCE,
      },
    });
  });

  it('refuses the representative’s ID number, outside the contract, on the same stream; an unknown code is null', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const res = await hub.gql(
      token,
      `{ businessRegistry(enterpriseCode: "${ex.business.enterpriseCode}", purpose: "${RESIDENCE}") { representativePersonalId } }`,
    );
    expect(codeOf(res)).toBe('FIELD_NOT_IN_CONTRACT');
    expect((await hub.accessEvents(ex.business.representativePersonalId)).at(-1)).toMatchObject({
      type: 'DataAccessDenied',
      data: { dataset: 'business-registry', reason: 'FIELD_NOT_IN_CONTRACT' },
    });
    const unknown = await hub.gql(
      token,
      `{ businessRegistry(enterpriseCode: "0100000000", purpose: "${RESIDENCE}") { name } }`,
    );
    expect(unknown).toMatchObject({ data: { businessRegistry: null } });
    const noContract = await hub.gql(
      await hub.token(AGENCIES.ngocHa, 'consumer'),
      `{ businessRegistry(enterpriseCode: "0100000000", purpose: "${RESIDENCE}") { name } }`,
    );
    expect(codeOf(noContract)).toBe('FORBIDDEN');
  });
});

describe('land parcels of a citizen', () => {
  it('lists every parcel, each release its own DataAccessed; one parcel by its id', async () => {
    const token = await hub.token(AGENCIES.baDinh, 'consumer');
    const res = await hub.gql(
      token,
      `{ landParcelsOf(personalId: "${ex.landUser.personalId}", purpose: "${RESIDENCE}") {
          parcelId landUse ownerPersonalId release { accessId } } }`,
    );
    expect(res.errors).toBeUndefined();
    const parcels = res.data!.landParcelsOf as {
      parcelId: string;
      ownerPersonalId: string;
      release: { accessId: string };
    }[];
    expect(parcels.map((p) => p.parcelId).sort()).toEqual([...ex.landUser.parcelIds].sort());
    expect(new Set(parcels.map((p) => p.ownerPersonalId))).toEqual(new Set([ex.landUser.personalId]));
    const released = (await hub.accessEvents(ex.landUser.personalId)).filter(
      (e) => e.type === 'DataAccessed',
    );
    expect(released.map((e) => e.id).sort()).toEqual(parcels.map((p) => p.release.accessId).sort());
    const one = await hub.gql(
      token,
      `{ landParcel(parcelId: "${ex.landUser.parcelIds[0]}", purpose: "${RESIDENCE}") { parcelId certificateNumber } }`,
    );
    expect(one.data!.landParcel).toMatchObject({ parcelId: ex.landUser.parcelIds[0] });
    const none = await hub.gql(
      token,
      `{ landParcelsOf(personalId: "${ex.child.personalId}", purpose: "${RESIDENCE}") { parcelId } }`,
    );
    expect(none.data).toEqual({ landParcelsOf: [] });
    expect((await hub.accessEvents(ex.child.personalId)).at(-1)).toMatchObject({
      type: 'DataAccessDenied',
      data: { dataset: 'land-parcels', reason: 'NOT_FOUND' },
    });
  });
});

describe('releaseRecord and releaseRecordsOfSubject (server-side, for a dossier)', () => {
  const DOSSIER = '000.04.01.H26-260115-0042';

  it('release through the same contract and access record, naming the dossier', async () => {
    const out = await releaseRecord(services, {
      principal: baDinh(),
      dataset: 'civil-status',
      key: ex.child.personalId,
      fields: ['fullName', 'fatherName', 'motherName'],
      purpose: 'tthc-1.001193',
      dossier: DOSSIER,
    });
    if (!out.released) throw new Error(`refused: ${out.refusal.code}`);
    expect(out.values).toMatchObject({ fullName: expect.any(String), fatherName: expect.any(String) });
    expect(out.release).toMatchObject({
      contractId: 'moj-to-ba-dinh-civil-status-birth-residence',
      consentId: null,
    });
    expect((await hub.accessEvents(ex.child.personalId)).at(-1)).toMatchObject({
      id: out.release.accessId,
      type: 'DataAccessed',
      data: {
        dossier: DOSSIER,
        purpose: 'tthc-1.001193',
        caller: { agency: AGENCIES.baDinh, official: 'cb-tuphap-07' },
      },
    });

    const parcels = await releaseRecordsOfSubject(services, {
      principal: baDinh(),
      dataset: 'land-parcels',
      personalId: ex.landUser.personalId,
      fields: ['parcelId', 'address'],
      purpose: RESIDENCE,
      dossier: DOSSIER,
    });
    if (!parcels.released) throw new Error(`refused: ${parcels.refusal.code}`);
    expect(parcels.records.map((r) => r.values.parcelId).sort()).toEqual([...ex.landUser.parcelIds].sort());
  });

  it('return refusals typed, recorded as for the API', async () => {
    const consent = await releaseRecordsOfSubject(services, {
      principal: baDinh(),
      dataset: 'social-insurance',
      personalId: ex.child.personalId,
      fields: ['healthInsuranceCardNumber'],
      purpose: 'tthc-1.002357',
      dossier: DOSSIER,
    });
    expect(consent).toMatchObject({ released: false, refusal: { code: 'CONSENT_REQUIRED' } });
    expect((await hub.accessEvents(ex.child.personalId)).at(-1)).toMatchObject({
      type: 'DataAccessDenied',
      data: { dataset: 'social-insurance', dossier: DOSSIER, reason: 'CONSENT_REQUIRED' },
    });
    const outside = await releaseRecord(services, {
      principal: baDinh(),
      dataset: 'civil-status',
      key: ex.child.personalId,
      fields: ['dateOfDeath'],
      purpose: 'tthc-1.001193',
      dossier: DOSSIER,
    });
    expect(outside).toMatchObject({ released: false, refusal: { code: 'FIELD_NOT_IN_CONTRACT' } });
    const missing = await releaseRecord(services, {
      principal: baDinh(),
      dataset: 'business-registry',
      key: '0100000000',
      fields: ['name'],
      purpose: RESIDENCE,
      dossier: DOSSIER,
    });
    expect(missing).toEqual({
      released: false,
      refusal: expect.objectContaining({ code: 'NOT_FOUND', error: null }),
    });
    const unknown = await releaseRecord(services, {
      principal: baDinh(),
      dataset: 'boats',
      key: 'x',
      fields: ['name'],
      purpose: RESIDENCE,
      dossier: DOSSIER,
    });
    expect(unknown).toMatchObject({ released: false, refusal: { code: 'BAD_USER_INPUT' } });
  });
});
