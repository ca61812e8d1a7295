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
import { API_PROJECTIONS, startTestHub, type TestHub } from './hub.js';

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
