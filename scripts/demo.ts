/**
 * A guided tour of the consented API against a running hub (`npm start` first): a commune reads a
 * citizen's data under its contract, is refused what the contract does not cover and what needs
 * consent, the citizen consents (and gets a signed receipt), withdraws; the ward issues a birth
 * certificate signed with its own key, anyone verifies it against the ward's published keys, the
 * citizen's portal downloads it; an inspector reads the access log; the ward police read the
 * citizen under a contract that defers telling the citizen; an inspector searches and exports the
 * whole log; the citizen's portal shows who used the data (not the police yet); then the commune
 * reads two other ministries' datasets the same way. Uses the demo agencies' local keys and citizens from the
 * demo source databases. Act two (`demo-dossier.ts`): a birth registration filed online, prefilled
 * with the mother's consent, fanned out to residence and health insurance, its result returned.
 * Act three (`demo-exchange.ts`): an official letter between agencies as a signed edXML envelope,
 * to a ward and to the district it replaced, statuses back, its trail.
 */
import { Command } from 'commander';
import type { JSONWebKeySet } from 'jose';
import { demoSigningKey, mintDemoToken } from '../demo/keys.js';
import { demoCitizen, demoCitizenNamed } from '../demo/sources/demo.js';
import { demoExamples } from '../demo/sources/examples.js';
import { DEFAULT_AUDIENCE } from '../hub/auth/authenticator.js';
import type { Role } from '../hub/kernel/principal.js';
import {
  type documentJson,
  type ResultClaims,
  sha256Hex,
  signResult,
  verifyResultSignature,
} from '../hub/modules/documents/index.js';
import { actTwo } from './demo-dossier.js';
import { actThree } from './demo-exchange.js';

const opts = new Command('demo')
  .description('Walk through consented data sharing against a running hub')
  .option('--url <url>', 'the hub', 'http://127.0.0.1:3000')
  .option(
    '--data-dir <dir>',
    "the hub's data directory (demo keys, demo source)",
    process.env.LIENTHONG_DATA_DIR ?? 'data',
  )
  .parse()
  .opts<{ url: string; dataDir: string }>();

type DocumentJson = ReturnType<typeof documentJson>;

const COMMUNE = '000.04.01.H26'; // Phường Ba Đình (People's Committee)
const PORTAL = '000.10.00.G12'; // National public service portal
const INSPECTOR = '000.00.00.G17';

const token = (agency: string, role: Role, official: string, citizenPid?: string) =>
  mintDemoToken({ dataDir: opts.dataDir, agency, role, official, audience: DEFAULT_AUDIENCE, citizenPid });

async function gql(bearer: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${opts.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as {
    data?: Record<string, unknown>;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
}

function show(step: string, result: Awaited<ReturnType<typeof gql>>): void {
  console.log(`\n── ${step}`);
  if (result.errors?.length) {
    for (const e of result.errors) console.log(`   refused: ${e.extensions?.code} — ${e.message}`);
  } else {
    console.log(JSON.stringify(result.data, null, 2).replace(/^/gm, '   '));
  }
}

function showJson(step: string, value: unknown): void {
  console.log(`\n── ${step}`);
  console.log(JSON.stringify(value, null, 2).replace(/^/gm, '   '));
}

/** A call to one of the hub's HTTP routes; a refusal is shown and yields an empty object. */
async function call<T extends object>(
  bearer: string,
  method: string,
  url: string,
  body: { json?: unknown; body?: Buffer; headers?: Record<string, string> },
): Promise<Partial<T>> {
  const response = await fetch(`${opts.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${bearer}`,
      ...(body.json === undefined ? {} : { 'content-type': 'application/json' }),
      ...body.headers,
    },
    body: body.json === undefined ? body.body : JSON.stringify(body.json),
  });
  const answer = (await response.json()) as unknown;
  if (response.ok) return answer as T;
  const refusal = answer as { code: string; message: string };
  console.log(`\n   refused: ${refusal.code} — ${refusal.message}`);
  return {};
}

function citizen(): string {
  const found = demoCitizen(opts.dataDir);
  if (!found) throw new Error('the demo source has no citizen yet: start the hub once (npm start)');
  return found.personalId;
}

const PERSON = `query($id: String!, $purpose: String!) {
  person(personalId: $id, purpose: $purpose) {
    fullName dateOfBirth permanentResidence { communeCode provinceCode }
    release { accessId contractId contractVersion consentId sources { field eventId } }
  }
}`;
const PERSON_NAME = `query($id: String!, $purpose: String!) {
  person(personalId: $id, purpose: $purpose) { fullName release { accessId contractId } }
}`;
const PERSON_WITH_HOUSEHOLD = `query($id: String!, $purpose: String!) {
  person(personalId: $id, purpose: $purpose) { fullName household { householdId relationToHead } }
}`;

const pid = citizen();
const commune = await token(COMMUNE, 'consumer', 'CB-0042');
const portal = await token(PORTAL, 'citizen-portal', 'portal-session-1', pid);
const inspector = await token(INSPECTOR, 'inspector', 'TT-007');
console.log(`Hub ${opts.url}; a citizen of the demo population database (ID number not shown).`);

show(
  '1. Phường Ba Đình reads the citizen for a birth registration (contract, no consent needed)',
  await gql(commune, PERSON, { id: pid, purpose: 'tthc-1.001193' }),
);
show(
  '2. … and asks for the household too: outside that contract',
  await gql(commune, PERSON_WITH_HOUSEHOLD, { id: pid, purpose: 'tthc-1.001193' }),
);
show(
  '3. For permanent residence registration the contract requires consent',
  await gql(commune, PERSON, { id: pid, purpose: 'tthc-1.004194' }),
);

const grant = await gql(
  portal,
  `mutation($consumer: String!) { grantConsent(input: { consumer: $consumer, purposes: ["tthc-1.004194"],
     scope: [{ dataset: "population", fields: ["fullName", "dateOfBirth", "permanentResidence"] }],
     validUntil: "${new Date(Date.now() + 30 * 86_400_000).toISOString()}" }) { consent { id status validUntil } receipt } }`,
  { consumer: COMMUNE },
);
const granted = grant.data?.grantConsent as { consent: { id: string }; receipt: string } | undefined;
if (granted)
  granted.receipt = `${granted.receipt.slice(0, 48)}… (JWS, verify with ${opts.url}/.well-known/jwks.json)`;
show('4. The citizen consents through the public service portal and receives a signed receipt', grant);
show(
  '5. The same request is now released, naming the consent',
  await gql(commune, PERSON, { id: pid, purpose: 'tthc-1.004194' }),
);
if (granted) {
  show(
    '6. The citizen withdraws the consent',
    await gql(portal, 'mutation($id: ID!) { withdrawConsent(id: $id) { id status } }', {
      id: granted.consent.id,
    }),
  );
}
show(
  '7. The very next request is refused',
  await gql(commune, PERSON, { id: pid, purpose: 'tthc-1.004194' }),
);
// An electronic result: the ward signs it with its own key; the hub verifies and stores it encrypted.
const certificate = Buffer.from('%PDF-1.7\n% demo birth certificate (trích lục khai sinh)\n%%EOF\n');
const ward = await token(COMMUNE, 'consumer', 'CB-0042');
const prepared = await call<{ claims: ResultClaims }>(ward, 'POST', '/documents/results/claims', {
  json: {
    personalId: pid,
    resultType: 'birth-certificate',
    dossier: 'HS-DEMO-0001',
    contentHash: sha256Hex(certificate),
  },
});
const jws = await signResult(prepared.claims!, await demoSigningKey(opts.dataDir, COMMUNE));
const issued = await call<DocumentJson>(ward, 'POST', '/documents/results', {
  body: certificate,
  headers: { 'content-type': 'application/pdf', 'x-result-signature': jws },
});
showJson(
  '8. Phường Ba Đình issues a birth certificate signed with its own key; the hub verifies and stores it',
  {
    id: issued.id,
    contentHash: issued.contentHash,
    blobHash: issued.blobHash,
    signature: { kid: issued.signature?.kid, alg: issued.signature?.alg },
  },
);
if (issued.id) {
  const jwks = (await (await fetch(`${opts.url}/agencies/${COMMUNE}/jwks.json`)).json()) as JSONWebKeySet;
  const verified = await verifyResultSignature(jws, () => jwks);
  showJson(`9. Anyone verifies it against ${opts.url}/agencies/${COMMUNE}/jwks.json`, {
    valid: true,
    kid: verified.kid,
    resultType: verified.claims.resultType,
  });
  const got = await fetch(`${opts.url}/documents/${issued.id}/content`, {
    headers: { authorization: `Bearer ${portal}` },
  });
  showJson("10. The citizen's portal downloads it; the download is recorded first", {
    status: got.status,
    bytes: (await got.arrayBuffer()).byteLength,
    accessId: got.headers.get('x-access-id'),
  });
}
show(
  "11. An inspector reads every access to and refusal of this citizen's data",
  await gql(
    inspector,
    'query($id: String!) { accessLog(personalId: $id) { outcome at agency official fields } }',
    { id: pid },
  ),
);

const police = await token('000.21.01.H26', 'consumer', 'CA-0311'); // Công an phường Ba Đình
show(
  '12. The ward police read the citizen for a criminal investigation: its contract defers telling the citizen for 180 days',
  await gql(police, PERSON_NAME, { id: pid, purpose: 'criminal-investigation' }),
);
show(
  "13. An inspector searches the whole log (here: Phường Ba Đình's releases, newest first); the search itself is recorded",
  await gql(
    inspector,
    `query($agency: String!) { accessLogSearch(filter: { agency: $agency, outcome: RELEASED }, first: 3) {
       total nextCursor entries { at official dataset fields purpose } } }`,
    { agency: COMMUNE },
  ),
);
const exported = await fetch(`${opts.url}/access-log/export?format=csv&agency=${COMMUNE}`, {
  headers: { authorization: `Bearer ${inspector}` },
});
showJson('14. … and exports the same slice as CSV (recorded before it is sent)', {
  status: exported.status,
  contentDisposition: exported.headers.get('content-disposition'),
  rows: (await exported.text()).trim().split('\n').length - 1,
});
show(
  "15. The citizen's portal shows who used the citizen's data, for what and on which legal basis; the police's read is not shown yet",
  await gql(portal, '{ myDataUse(first: 5) { entries { at kind agencyName fields purpose legalBasis } } }'),
);

const examples = demoExamples(opts.dataDir);
if (examples) {
  show(
    "16. Every shared dataset is read the same way: a young child's birth registration and parents, from the civil-status database",
    await gql(
      commune,
      `query($id: String!) { civilStatus(personalId: $id, purpose: "tthc-1.001193") {
         fullName dateOfBirth fatherName motherName maritalStatus release { accessId contractId } } }`,
      { id: examples.child.personalId },
    ),
  );
  show(
    '17. … and the parcels a citizen holds, for a permanent residence registration (one DataAccessed each)',
    await gql(
      commune,
      `query($id: String!) { landParcelsOf(personalId: $id, purpose: "tthc-1.004222") {
         parcelId landUse address release { accessId } } }`,
      { id: examples.landUser.personalId },
    ),
  );
}

const mother = examples && demoCitizenNamed(opts.dataDir, examples.child.motherPersonalId);
const kit = { dataDir: opts.dataDir, token, gql, call, show, showJson };
if (mother) await actTwo(kit, mother);
await actThree(kit);
