/**
 * The demo's second act: a birth registration filed online through the citizen portal, prefilled
 * from the population record once the mother consents, fanned out to permanent residence and the
 * child's health-insurance card (liên thông), the result signed by the ward and returned — printing
 * what the state supplied and what the citizen still typed. Run by `scripts/demo.ts`.
 */
import { demoSigningKey } from '../demo/keys.js';
import type { Role } from '../hub/kernel/principal.js';
import {
  type documentJson,
  type ResultClaims,
  sha256Hex,
  signResult,
} from '../hub/modules/documents/index.js';
import { leafPaths } from '../hub/modules/dossiers/index.js';

type GqlResult = {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: { code?: string } }[];
};

/** What act one lends act two: the hub, its demo keys, and the ways it talks and prints. */
export interface DemoKit {
  dataDir: string;
  token(agency: string, role: Role, official: string, citizenPid?: string): Promise<string>;
  gql(bearer: string, query: string, variables?: Record<string, unknown>): Promise<GqlResult>;
  call<T extends object>(
    bearer: string,
    method: string,
    url: string,
    body: { json?: unknown; body?: Buffer; headers?: Record<string, string> },
  ): Promise<Partial<T>>;
  show(step: string, result: GqlResult): void;
  showJson(step: string, value: unknown): void;
}

const WARD = '000.08.01.H26'; // Phường Ngọc Hà: its contract for birth registration needs the citizen's consent
const POLICE = '000.21.01.H26'; // Công an phường Ba Đình: permanent residence registration
const SOCIAL_SECURITY = '000.22.00.H26'; // Bảo hiểm xã hội Thành phố Hà Nội: the child's health-insurance card
const PORTAL = '000.10.00.G12';
const BIRTH = '1.001193';

const PREFILL = `query($d: ID!, $a: PrefillApplicantInput) { prefill(dossier: $d, applicant: $a) {
  values typed typedShare accesses
  fields { path filled source dataset from reason }
  components { code name satisfiedBy sourceEventId documentId reason } } }`;
type Prefill = {
  values: Record<string, Record<string, unknown>>;
  typed: string[];
  typedShare: number;
  accesses: string[];
  fields: {
    path: string;
    filled: boolean;
    source: string;
    dataset: string | null;
    from: string;
    reason: string | null;
  }[];
  components: {
    code: string;
    satisfiedBy: string;
    sourceEventId: string | null;
    documentId: string | null;
    reason: string | null;
  }[];
};
const DOSSIER = `id status agency onceOnly { fieldsPrefilled fieldsTyped shareTyped componentsReused componentsUploaded componentsAskedAgain }
  linked { id procedure agency status outcome }`;

/** A prefill as the act prints it: what the state filled (and from where), what is left, and why. */
const summary = (p: Prefill) => ({
  filledByTheState: p.fields
    .filter((f) => f.filled)
    .map((f) => `${f.path} ← ${f.dataset ?? f.source.toLowerCase()}.${f.from}`),
  leftToType: p.fields.filter((f) => !f.filled).map((f) => `${f.path} (${f.reason})`),
  alsoTyped: p.typed.filter((t) => !p.fields.some((f) => f.path === t)),
  shareStillTyped: Number(p.typedShare.toFixed(2)),
  components: p.components.map((c) => `${c.code}: ${c.satisfiedBy}${c.reason ? ` (${c.reason})` : ''}`),
  dataAccessed: p.accesses,
});

export async function actTwo(kit: DemoKit, mother: { personalId: string; fullName: string }): Promise<void> {
  console.log('\n══ Act two: a birth registration, filed online, prefilled, fanned out (liên thông)');
  const { gql, show, showJson } = kit;
  const portal = await kit.token(PORTAL, 'citizen-portal', 'vneid-session-7', mother.personalId);
  const ward = await kit.token(WARD, 'consumer', 'CB-NH-0007');
  const applicant = { personalId: mother.personalId, fullName: mother.fullName, phone: '0912345678' };

  const submitted = await gql(
    portal,
    'mutation($input: SubmitDossierInput!) { submitDossier(input: $input) { id status } }',
    {
      input: {
        procedure: BIRTH,
        agency: WARD,
        declaration: { values: { mother: { personalId: mother.personalId } } },
      },
    },
  );
  show(
    '14. The mother files a birth registration online with Phường Ngọc Hà: only her own ID number typed',
    submitted,
  );
  const id = (submitted.data?.submitDossier as { id: string } | undefined)?.id;
  if (!id) return;

  const refused = (await gql(portal, PREFILL, { d: id, a: applicant })).data?.prefill as Prefill;
  showJson(
    '15. The portal asks the hub to prefill the form: the ward’s contract needs her consent first',
    summary(refused),
  );

  const consent = await gql(
    portal,
    `mutation($input: GrantConsentInput!) { grantConsent(input: $input) { consent { id dossier purposes } } }`,
    {
      input: {
        consumer: WARD,
        purposes: [`tthc-${BIRTH}`],
        scope: [
          { dataset: 'population', fields: ['fullName', 'dateOfBirth', 'ethnicity', 'permanentResidence'] },
        ],
        dossier: id,
        validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    },
  );
  show('16. She consents, for this dossier only', consent);
  const filled = (await gql(portal, PREFILL, { d: id, a: applicant })).data?.prefill as Prefill;
  showJson(
    '17. Prefilled again: her record fills the form, each read a DataAccessed naming the dossier',
    summary(filled),
  );

  // she types what only she knows, and uploads the hospital's birth attestation
  const attestation = await kit.call<ReturnType<typeof documentJson>>(
    portal,
    'POST',
    `/documents?dossier=${id}&component=giay-chung-sinh&pages=1`,
    {
      body: Buffer.from('%PDF-1.7\n% giấy chứng sinh\n%%EOF\n'),
      headers: { 'content-type': 'application/pdf' },
    },
  );
  const child = {
    fullName: 'Nguyễn An Nhiên',
    gender: 'female',
    dateOfBirth: new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10),
    placeOfBirth: 'Bệnh viện Phụ sản Hà Nội',
  };
  const values = {
    ...filled.values,
    declarant: { ...filled.values.declarant, relationship: 'mother' },
    child,
  };
  const completed = await gql(
    portal,
    `mutation($id: ID!, $input: CompleteDeclarationInput!) { completeDeclaration(id: $id, input: $input) { ${DOSSIER} } }`,
    {
      id,
      input: {
        values,
        components: attestation.id ? [{ component: 'giay-chung-sinh', documentId: attestation.id }] : [],
      },
    },
  );
  show(
    '18. She completes the form; the hub counts what she still typed and how each component was satisfied',
    completed,
  );

  await gql(ward, 'mutation($id: ID!) { receiveDossier(id: $id) { id } }', { id });
  await gql(ward, 'mutation($id: ID!) { approveDossier(id: $id) { id } }', { id });
  const certificate = Buffer.from(`%PDF-1.7\n% giấy khai sinh điện tử ${id}\n%%EOF\n`);
  const prepared = await kit.call<{ claims: ResultClaims }>(ward, 'POST', '/documents/results/claims', {
    json: {
      personalId: mother.personalId,
      resultType: 'birth-certificate',
      dossier: id,
      contentHash: sha256Hex(certificate),
    },
  });
  const jws = await signResult(prepared.claims!, await demoSigningKey(kit.dataDir, WARD));
  const issued = await kit.call<ReturnType<typeof documentJson>>(ward, 'POST', '/documents/results', {
    body: certificate,
    headers: { 'content-type': 'application/pdf', 'x-result-signature': jws },
  });
  showJson('19. Phường Ngọc Hà receives and approves it, and signs the electronic birth certificate', {
    document: issued.id,
    signature: { kid: issued.signature?.kid, alg: issued.signature?.alg },
  });

  const fanned = await gql(
    ward,
    `mutation($id: ID!, $input: FanOutInput!) { fanOutLinkedDossiers(id: $id, input: $input) { ${DOSSIER} } }`,
    {
      id,
      input: {
        links: [
          { procedure: '1.004222', agency: POLICE },
          { procedure: '9.000001', agency: SOCIAL_SECURITY },
        ],
      },
    },
  );
  show(
    '20. It fans out: permanent residence (ward police) and the health-insurance card (social security)',
    fanned,
  );
  const children =
    (fanned.data?.fanOutLinkedDossiers as { linked: { id: string; agency: string }[] } | undefined)?.linked ??
    [];
  for (const c of children) {
    const by = await kit.token(c.agency, 'consumer', 'CB-LT-01');
    const seen = await gql(by, `query($id: ID!) { dossier(id: $id) { ${DOSSIER} } }`, { id: c.id });
    show(
      `21. ${c.id}: the parent's data flowed in and the birth certificate was reused — nothing asked of her`,
      seen,
    );
    for (const step of ['receiveDossier', 'approveDossier']) {
      await gql(by, `mutation($id: ID!) { ${step}(id: $id) { id } }`, { id: c.id });
    }
    await gql(by, 'mutation($id: ID!) { issueResult(id: $id, input: { paper: true }) { id } }', { id: c.id });
  }

  const electronic = { documentId: issued.id, contentHash: issued.contentHash };
  await gql(
    ward,
    'mutation($id: ID!, $e: ElectronicResultInput) { issueResult(id: $id, input: { electronic: $e, paper: true }) { id } }',
    {
      id,
      e: issued.id ? electronic : null,
    },
  );
  const returned = await gql(
    ward,
    `mutation($id: ID!) { returnResult(id: $id, input: { channel: ONLINE }) { ${DOSSIER} } }`,
    { id },
  );
  show(
    '22. Both linked dossiers ended: the ward issues the signed birth certificate and returns it online',
    returned,
  );
  const once = (completed.data?.completeDeclaration as { onceOnly: Record<string, number> } | undefined)
    ?.onceOnly;
  const supplied = filled.fields.filter((f) => f.filled).map((f) => f.path);
  const bySupplied = (path: string) => supplied.some((s) => path === s || path.startsWith(`${s}.`));
  showJson('23. What the state supplied, and what the citizen still typed', {
    reusedFields: supplied,
    reusedComponents: filled.components.filter((c) => c.satisfiedBy === 'REUSE').map((c) => c.code),
    typedByTheCitizen: leafPaths(values).filter((path) => !bySupplied(path)),
    uploadedByTheCitizen: filled.components
      .filter((c) => c.satisfiedBy === 'UPLOAD' && c.reason === null)
      .map((c) => c.code),
    onceOnly: once,
  });
}
