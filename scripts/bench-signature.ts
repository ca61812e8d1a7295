/**
 * What signing and verifying an edXML envelope costs, per operation, in this process.
 * Usage: npm run bench:signature [-- --rounds 5 --round-ms 250 --only verify]
 *
 * A demo CA (in a temporary directory, removed at the end) issues an ECDSA P-256 and an RSA-2048
 * organ certificate; the codec's `buildDocumentEnvelope` builds a document envelope of about 5 KB
 * and one of about 50 KB (a MessageHeader as the hub composes it and one inline attachment sized to
 * reach the total). For each key and size, `signEnvelope` and `verifyEnvelope` (trust anchors: the
 * demo CA; registered certificates: an in-memory map, where the hub queries its read model) run
 * repeatedly: a warm-up round, then `--rounds` rounds of at least `--round-ms` each. Each case
 * prints the median over rounds of CPU µs per operation (user + system, the figure to compare on a
 * shared machine) and wall-clock µs. The cryptography alone (node:crypto signing and verifying a
 * SignedInfo-sized text) is printed beside it as the floor. Ends with one JSON line.
 *
 * Profile with `node --cpu-prof --cpu-prof-dir prof --import tsx scripts/bench-signature.ts --only verify-ecdsa-5kb`.
 */
import { constants, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import {
  attachmentDigest,
  buildDocumentEnvelope,
  ensureDemoCa,
  issueOrganCertificate,
  signEnvelope,
  verifyEnvelope,
} from '../hub/modules/exchange/index.js';
import { tempDir } from '../hub/testing/temp.js';
import { cpuMicros } from './cpu.js';

const opts = new Command('bench-signature')
  .description('per-operation cost of signing and verifying edXML envelopes (ECDSA, RSA; 5 KB, 50 KB)')
  .option('--rounds <n>', 'measured rounds per case (the median is reported)', '5')
  .option('--round-ms <n>', 'least duration of a round, in milliseconds', '250')
  .option('--only <text>', 'run only the cases whose name contains this text (e.g. verify, ecdsa-5kb)')
  .parse()
  .opts<{ rounds: string; roundMs: string; only?: string }>();
const rounds = Number(opts.rounds);
const roundMs = Number(opts.roundMs);
for (const [name, value] of Object.entries({ rounds, 'round-ms': roundMs })) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench-signature: --${name} must be a positive integer`);
    process.exit(2);
  }
}

const SENDER = '000.00.00.G09';
const RECIPIENT = '000.10.01.H26';
const NOW = new Date('2026-03-02T08:00:00Z');
const SIZES = { '5kb': 5_000, '50kb': 50_000 } as const;
const ALGORITHMS = { ecdsa: 'ECDSA-P256', rsa: 'RSA-2048' } as const;

/** A document envelope as the hub composes one, its single attachment sized to make about `bytes`. */
function envelopeOf(bytes: number): string {
  const build = (attachmentBytes: number) => {
    const content = Buffer.alloc(attachmentBytes, 'Nội dung công văn hướng dẫn thủ tục. ');
    return buildDocumentEnvelope(
      {
        messageHeader: {
          from: { organId: SENDER, organName: 'Bộ Tư pháp' },
          to: [{ organId: RECIPIENT, organName: 'UBND phường Ba Đình' }],
          code: { codeNumber: '123', codeNotation: 'BTP-VP' },
          promulgationInfo: { place: 'Hà Nội', promulgationDate: '2026-03-02' },
          documentType: { type: 1, typeName: 'Công văn' },
          subject: 'Về việc hướng dẫn triển khai thủ tục hành chính',
          content: 'Nội dung công văn. '.repeat(20),
          signerInfo: { position: 'Chánh Văn phòng', fullName: 'Nguyễn Văn A' },
          otherInfo: { priority: 0 },
          documentId: `${SENDER},2026/03/02,123/BTP-VP`,
        },
        traceHeaders: [{ organId: SENDER, timestamp: '2026-03-02T15:00:00+07:00' }],
        business: { businessDocType: 0 },
        manifest: [
          {
            contentId: 'attachment-1',
            contentType: 'application/pdf',
            attachmentName: 'cong-van-123.pdf',
            ...attachmentDigest(content),
          },
        ],
      },
      [{ contentId: 'attachment-1', bytes: content }],
    );
  };
  const base = Buffer.byteLength(build(1));
  return build(Math.max(1, Math.floor(((bytes - base) * 3) / 4)));
}

interface Figure {
  cpuUs: number;
  wallUs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Median over rounds of CPU and wall µs per call of `operation`, after a warm-up round. */
function measure(operation: () => void): Figure {
  const round = () => {
    const cpu = cpuMicros();
    const wall = performance.now();
    let calls = 0;
    do {
      operation();
      calls++;
    } while (performance.now() - wall < roundMs || calls < 5);
    return { cpuUs: (cpuMicros() - cpu) / calls, wallUs: ((performance.now() - wall) * 1000) / calls };
  };
  round();
  const figures = Array.from({ length: rounds }, round);
  return { cpuUs: median(figures.map((f) => f.cpuUs)), wallUs: median(figures.map((f) => f.wallUs)) };
}

/** The cryptography alone: one signature and one verification over `text` with node:crypto. */
function cryptoOnly(key: KeyObject, text: string): { sign: () => void; verify: () => void } {
  const data = Buffer.from(text, 'utf8');
  const publicKey = createPublicKey(key);
  const ec = key.asymmetricKeyType === 'ec';
  const options = ec ? { dsaEncoding: 'ieee-p1363' as const } : { padding: constants.RSA_PKCS1_PADDING };
  const signature = sign('sha256', data, { key, ...options });
  return {
    sign: () => sign('sha256', data, { key, ...options }),
    verify: () => {
      if (!verify('sha256', data, { key: publicKey, ...options }, signature)) throw new Error('no');
    },
  };
}

async function main(): Promise<void> {
  const temp = tempDir('lt-bench-signature-');
  try {
    const ca = await ensureDemoCa(path.join(temp.dir, 'demo-ca'), { clock: () => NOW });
    const trustAnchors = [ca.certificate];
    const results: Record<string, number> = {};
    const print = (name: string, figure: Figure, note = '') => {
      results[`${name.replaceAll('-', '_')}_us`] = Math.round(figure.cpuUs);
      console.log(
        `${name.padEnd(22)} ${figure.cpuUs.toFixed(0).padStart(8)} µs CPU ${figure.wallUs.toFixed(0).padStart(8)} µs wall${note}`,
      );
    };
    const wanted = (name: string) => !opts.only || name.includes(opts.only);
    const envelopes = Object.fromEntries(
      Object.entries(SIZES).map(([size, bytes]) => [size, envelopeOf(bytes)]),
    ) as Record<keyof typeof SIZES, string>;
    for (const [name, algorithm] of Object.entries(ALGORITHMS)) {
      const credentials = await issueOrganCertificate(ca, {
        organCode: SENDER,
        name: 'Bộ Tư pháp',
        algorithm,
        notBefore: new Date('2026-01-01'),
        notAfter: new Date('2030-01-01'),
      });
      const registered = new Map([[SENDER, [credentials.certificatePem]]]);
      const context = {
        trustAnchors,
        at: NOW,
        registeredCertificates: (organ: string) => registered.get(organ) ?? [],
      };
      for (const [size, xml] of Object.entries(envelopes)) {
        const signed = signEnvelope(xml, credentials);
        if (verifyEnvelope(signed, context).organCode !== SENDER) throw new Error('verification failed');
        const bytes = ` (${(Buffer.byteLength(xml) / 1000).toFixed(1)} KB, signed ${(Buffer.byteLength(signed) / 1000).toFixed(1)} KB)`;
        if (wanted(`sign-${name}-${size}`))
          print(
            `sign-${name}-${size}`,
            measure(() => signEnvelope(xml, credentials)),
            bytes,
          );
        if (wanted(`verify-${name}-${size}`))
          print(
            `verify-${name}-${size}`,
            measure(() => verifyEnvelope(signed, context)),
            bytes,
          );
      }
      const signedInfo = /<SignedInfo>[\s\S]*<\/SignedInfo>/.exec(
        signEnvelope(envelopes['5kb'], credentials),
      )![0];
      const floor = cryptoOnly(createPrivateKey(credentials.privateKeyPem), signedInfo);
      if (wanted(`crypto-sign-${name}`)) print(`crypto-sign-${name}`, measure(floor.sign));
      if (wanted(`crypto-verify-${name}`)) print(`crypto-verify-${name}`, measure(floor.verify));
    }
    console.log(
      JSON.stringify({
        ...results,
        envelope_bytes_5kb: Buffer.byteLength(envelopes['5kb']),
        envelope_bytes_50kb: Buffer.byteLength(envelopes['50kb']),
        rounds,
        round_ms: roundMs,
        load_average: Number(os.loadavg()[0]!.toFixed(2)),
      }),
    );
  } finally {
    temp.remove();
  }
}

await main();
