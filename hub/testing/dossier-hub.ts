import { demoSigningKey } from '../../demo/keys.js';
import { type DemoExamples, demoExamples } from '../../demo/sources/index.js';
import type { ProjectionDefinition } from '../kernel/projection.js';
import {
  documentsProjection,
  type ResultType,
  resultClaims,
  signResult,
} from '../modules/documents/index.js';
import { dossiersProjection } from '../modules/dossiers/index.js';
import { AGENCIES, API_PROJECTIONS, startTestHub, type TestHub } from './hub.js';

/**
 * A hub for the specs of dossiers that read shared data (prefill, linked procedures, erasure): the
 * demo ministry databases synced (population, civil status … of 400 citizens), the dossiers and
 * documents read models, and the demo citizens who show a family well (a child under 6 and the
 * parents); `projections`: more read models to keep (the lineage of those dossiers, …).
 */
export async function startDossierHub(
  options: { projections?: readonly ProjectionDefinition[] } = {},
): Promise<{ hub: TestHub; ex: DemoExamples }> {
  const hub = await startTestHub({
    citizens: 2,
    sources: { citizens: 400 },
    projections: [
      ...API_PROJECTIONS,
      dossiersProjection,
      documentsProjection,
      ...(options.projections ?? []),
    ],
  });
  return { hub, ex: demoExamples(hub.dir)! };
}

/** An electronic result about the citizen, signed by `issuer` with its demo key and recorded in the hub. */
export async function signedResult(
  hub: TestHub,
  o: {
    resultType: ResultType;
    dossier: string;
    issuer: string;
    personalId: string;
    issuedAt: Date;
    text: string;
  },
) {
  const content = Buffer.from(`%PDF-1.7\n${o.text}\n%%EOF\n`);
  const claims = resultClaims({
    content,
    resultType: o.resultType,
    dossier: o.dossier,
    issuer: o.issuer,
    subject: hub.pseudonymize('citizen', o.personalId),
    issuedAt: new Date(o.issuedAt.getTime() - 60_000).toISOString(),
  });
  const signature = await signResult(claims, await demoSigningKey(hub.dir, o.issuer));
  return hub.app.documents.issueResult(
    { agency: o.issuer, official: 'cb-hotich-01' },
    { signature, content, mediaType: 'application/pdf' },
  );
}

/** The procedure the dossier specs file: birth registration (đăng ký khai sinh). */
export const BIRTH_REGISTRATION = '1.001193';

/**
 * A birth registration the mother files through the citizen portal (`portal`, a token acting for
 * her) at `agency`, declaring only her ID number and the child's name; its dossier number.
 */
export async function submitBirthRegistration(hub: TestHub, portal: string, agency: string, mother: string) {
  const res = await hub.gql(
    portal,
    `mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { id onceOnly { fieldsTyped } } }`,
    {
      input: {
        procedure: BIRTH_REGISTRATION,
        agency,
        declaration: { values: { mother: { personalId: mother }, child: { fullName: 'Lê Minh Khôi' } } },
      },
    },
  );
  if (res.errors) throw new Error(`submitDossier: ${JSON.stringify(res.errors)}`);
  return res.data!.submitDossier as { id: string; onceOnly: { fieldsTyped: number } };
}

/** The citizen's earlier marriage certificate, signed by the Ba Đình ward: its document and the event that recorded it. */
export async function marriageCertificate(hub: TestHub, personalId: string) {
  const doc = await signedResult(hub, {
    resultType: 'marriage-certificate',
    dossier: `${AGENCIES.baDinh}-200101-0001`,
    issuer: AGENCIES.baDinh,
    personalId,
    issuedAt: new Date(),
    text: 'Giấy chứng nhận kết hôn',
  });
  await hub.settle();
  return { documentId: doc.document.documentId, eventId: doc.sourceEventId };
}

/**
 * The mother's consent, through the portal, that `agency` reads her population record for one
 * birth registration dossier (30 days); the consent's id.
 */
export async function consentToBirthRegistration(
  hub: TestHub,
  portal: string,
  agency: string,
  dossier: string,
) {
  const granted = await hub.gql(
    portal,
    `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id } } }`,
    {
      input: {
        consumer: agency,
        purposes: [`tthc-${BIRTH_REGISTRATION}`],
        scope: [
          { dataset: 'population', fields: ['fullName', 'dateOfBirth', 'ethnicity', 'permanentResidence'] },
        ],
        dossier,
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    },
  );
  if (granted.errors) throw new Error(`grantConsent: ${JSON.stringify(granted.errors)}`);
  return (granted.data!.grantConsent as { consent: { id: string } }).consent.id;
}
