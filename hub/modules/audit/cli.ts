import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type GlobalOptions, type Session, withSession } from '../../cli/kit/context.js';
import { formatNumber } from '../../cli/kit/format.js';
import { CLI_ACTOR, validated } from '../../cli/kit/registry-session.js';
import { AuditInputError } from '../../kernel/errors/index.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { chunked } from './bundle.js';
import {
  type CheckpointVerifier,
  checkpointSigner,
  checkpointVerifier,
  INSTANT,
  isBase64,
  parseSignedNote,
} from './checkpoint-note.js';
import { AuditLogModel, auditLogProjection } from './projection.js';
import { AuditService, auditOrigin } from './service.js';
import { type TrustedCheckpoint, type VerifyReport, verifyBundle } from './verify.js';

/** The audit service over the CLI's store and read models, the `audit-log` model caught up first. */
async function withAudit<T>(
  command: Command,
  projections: readonly ProjectionDefinition[],
  work: (service: AuditService, session: Session) => Promise<T>,
): Promise<T> {
  return withSession(command.optsWithGlobals<GlobalOptions>(), projections, async (session) => {
    await session.runner.catchUp(auditLogProjection.name);
    const service = new AuditService({
      store: validated(session.store),
      model: new AuditLogModel(session.db),
      signer: checkpointSigner(session.config.secrets.signingKey),
      origin: auditOrigin(session.config),
    });
    return work(service, session);
  });
}

/** A file an option names, as text; refused naming the option. */
function readText(file: string, option: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new AuditInputError(option, `cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** `--key`: a public JWK, or a JWKS (as /.well-known/jwks.json serves it): its Ed25519 keys. */
export function readPinnedKeys(file: string): CheckpointVerifier[] {
  let json: unknown;
  try {
    json = JSON.parse(readText(file, '--key'));
  } catch (error) {
    if (error instanceof AuditInputError) throw error;
    throw new AuditInputError('--key', `${file} is not JSON`);
  }
  const keys = (json as { keys?: unknown }).keys;
  const candidates = Array.isArray(keys) ? keys : [json];
  const ed25519 = candidates.filter(
    (k): k is { x: string } => k?.kty === 'OKP' && k?.crv === 'Ed25519' && typeof k?.x === 'string',
  );
  if (ed25519.length === 0)
    throw new AuditInputError('--key', `${file} holds no Ed25519 public key (JWK or JWKS)`);
  try {
    return ed25519.map((k) => checkpointVerifier(k.x));
  } catch {
    throw new AuditInputError('--key', `${file}: x must be 32 bytes, base64url`);
  }
}

/** `--checkpoint`: the JSON of GET /audit/checkpoint, or the signed note (`?format=note`). */
export function readTrustedCheckpoint(file: string): TrustedCheckpoint {
  const text = readText(file, '--checkpoint');
  if (!text.trimStart().startsWith('{')) {
    const note = parseSignedNote(text);
    if (!note) throw new AuditInputError('--checkpoint', `${file} is not a signed checkpoint note`);
    return note;
  }
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(text);
  } catch {
    throw new AuditInputError('--checkpoint', `${file} is not JSON`);
  }
  const fields = ['origin', 'size', 'rootHash', 'at', 'signature'];
  const { origin, size, rootHash, at, signature } = c;
  if (
    typeof origin !== 'string' ||
    !Number.isSafeInteger(size) ||
    typeof rootHash !== 'string' ||
    !isBase64(rootHash, 32) ||
    typeof at !== 'string' ||
    !INSTANT.test(at) ||
    typeof signature !== 'string' ||
    !isBase64(signature, 64)
  ) {
    throw new AuditInputError('--checkpoint', `${file} is not a checkpoint (${fields.join(', ')})`);
  }
  return {
    body: { origin, size: size as number, rootHash, at },
    signatures: [Buffer.from(signature, 'base64')],
  };
}

/** A progress bar on stderr, on a terminal only. */
function progressBar(show: boolean, total: number, unit: string) {
  if (!show || !process.stderr.isTTY) return { update: (_: number) => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: `verify [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    hideCursor: true,
    formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? formatNumber(v) : String(v)),
  });
  bar.start(total, 0);
  return { update: (done: number) => bar.update(Math.min(done, total)), stop: () => bar.stop() };
}

function printReport(report: VerifyReport, source: string, pinned: boolean): void {
  const latest = report.latest;
  console.log(`verified: ${source}`);
  console.log(`  key          ${report.keyId}${pinned ? ' (pinned)' : " (the bundle's own)"}`);
  console.log(`  log          ${report.origin ?? '-'}`);
  console.log(`  entries      ${formatNumber(report.entries)}`);
  console.log(
    `  checkpoints  ${formatNumber(report.checkpoints)}${latest ? `, the latest of size ${formatNumber(latest.size)} signed at ${latest.at}` : ''}`,
  );
  if (report.trusted)
    console.log(`  trusted      checkpoint of size ${formatNumber(report.trusted.size)} matched`);
  console.log(`  covered      ${formatNumber(report.covered)} entries under a verified signature`);
  if (report.uncovered > 0) {
    console.log(
      `  not covered  ${formatNumber(report.uncovered)} entries after the last checkpoint: checked for form only, proven by no signature yet`,
    );
  }
  if (!pinned) {
    console.log(
      '  note         the key was taken from the bundle: pin it with --key (saved from /.well-known/jwks.json)',
    );
  }
}

export function registerAuditCommands(program: Command, projections: readonly ProjectionDefinition[]): void {
  const group = program
    .command('audit')
    .description(
      'the tamper-evident log of every access: signed checkpoints, inclusion proofs, export bundles and their offline verification',
    );

  group
    .command('checkpoint')
    .description(
      'sign a checkpoint over every entry of the log now (nothing when the latest already covers them)',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const outcome = await withAudit(command, projections, (service) => service.checkpoint(CLI_ACTOR));
      if (options.json) return console.log(JSON.stringify(outcome, null, 2));
      const c = outcome.checkpoint;
      if (!c) return console.log('the log is empty: nothing to sign');
      console.log(
        `${outcome.signed ? 'signed' : 'nothing new since'} checkpoint of size ${formatNumber(c.size)}: ${c.rootHash} (${c.at}, key ${c.keyId})`,
      );
    });

  group
    .command('export')
    .description(
      'write the export bundle (one NDJSON file: manifest with the public key, checkpoints with consistency proofs, leaf hashes, entries) for offline verification',
    )
    .requiredOption(
      '--out <dir|file>',
      'the bundle file, or a directory to write audit-<log>-<entries>.ndjson in (- for standard output)',
    )
    .action(async (options: { out: string }, command: Command) => {
      await withAudit(command, projections, async (service) => {
        const entries = service.model.size();
        const checkpoints = service.model.checkpoints(entries);
        const latest = checkpoints.at(-1);
        const body = Readable.from(chunked(service.bundle()));
        if (options.out === '-') return pipeline(body, process.stdout);
        let file = options.out;
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
          const origin = (latest?.origin ?? 'hub').replace(/[^A-Za-z0-9.-]+/g, '-');
          file = path.join(file, `audit-${origin}-${entries}.ndjson`);
        } else if (!fs.existsSync(path.dirname(path.resolve(file)))) {
          throw new AuditInputError('--out', `no directory ${path.dirname(path.resolve(file))}`);
        }
        await pipeline(body, fs.createWriteStream(`${file}.part`));
        fs.renameSync(`${file}.part`, file);
        const uncovered = entries - (latest?.size ?? 0);
        console.error(
          `wrote ${file}: ${formatNumber(entries)} entries, ${formatNumber(checkpoints.length)} checkpoints${uncovered > 0 ? `, ${formatNumber(uncovered)} entries not yet covered (npm run hub -- audit checkpoint)` : ''}`,
        );
      });
    });

  group
    .command('verify')
    .description(
      "verify a bundle offline (no store, no network, no secret): every entry against its leaf, every tree head, checkpoint signature and consistency proof; or, with --store, the hub's own store against its checkpoints. Exits 1 naming the first bad entry or checkpoint",
    )
    .argument('[bundle]', 'the bundle file (from audit export or GET /audit/export)')
    .option('--store', "verify the store of --data-dir instead of a bundle, with the hub's own key")
    .option(
      '--key <file>',
      'the public key the bundle must be signed with: a JWK or JWKS (/.well-known/jwks.json)',
    )
    .option(
      '--checkpoint <file>',
      'a checkpoint trusted apart (GET /audit/checkpoint, JSON or ?format=note): the bundle must reach and match it',
    )
    .option('--json', 'print the report as JSON')
    .option('--no-progress', 'no progress bar (it is shown on a terminal only)')
    .action(
      async (
        bundle: string | undefined,
        options: { store?: boolean; key?: string; checkpoint?: string; json?: boolean; progress: boolean },
        command: Command,
      ) => {
        let report: VerifyReport;
        let source: string;
        const pinned = options.store || options.key !== undefined;
        if (options.store) {
          if (bundle) throw new AuditInputError('<bundle>', 'give a bundle or --store, not both');
          source = 'the store';
          report = await withAudit(command, projections, async (service) => {
            const bar = progressBar(options.progress && !options.json, service.model.size(), 'lines');
            try {
              return await service.verifyStore((lines) => bar.update(lines));
            } finally {
              bar.stop();
            }
          });
        } else {
          if (!bundle) throw new AuditInputError('<bundle>', 'name the bundle file (or give --store)');
          if (!fs.existsSync(bundle)) throw new AuditInputError('<bundle>', `no file ${bundle}`);
          const keys = options.key ? readPinnedKeys(options.key) : undefined;
          const trusted = options.checkpoint ? readTrustedCheckpoint(options.checkpoint) : undefined;
          const bar = progressBar(options.progress && !options.json, fs.statSync(bundle).size, 'bytes');
          source = bundle;
          try {
            report = await verifyBundle(bundle, { keys, trusted, onBytes: bar.update });
          } finally {
            bar.stop();
          }
        }
        if (options.json) console.log(JSON.stringify({ valid: true, ...report }, null, 2));
        else printReport(report, source, pinned);
      },
    );

  group
    .command('proof')
    .description(
      'the inclusion proof of one access event against the latest checkpoint (signing one first when the event came after it), as JSON',
    )
    .argument('<eventId>', 'the event id (UUID)')
    .action(async (eventId: string, _options: unknown, command: Command) => {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(eventId)) {
        throw new AuditInputError('<eventId>', 'must be a UUID');
      }
      const proof = await withAudit(command, projections, (service) => service.proof(eventId));
      if (!proof) throw new AuditInputError('<eventId>', `${eventId} is not an entry of the audit log`);
      console.log(JSON.stringify(proof, null, 2));
    });
}
