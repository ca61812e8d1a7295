import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { JSONWebKeySet } from 'jose';
import { cliConfig, type GlobalOptions, withSession } from '../../cli/kit/context.js';
import {
  DocumentInputError,
  IntegrityCheckError,
  ResultContentMismatchError,
  ResultKeysUnavailableError,
} from '../../kernel/errors/index.js';
import type { ProjectionDefinition } from '../../kernel/projection.js';
import { getAgency } from '../agencies/index.js';
import { DirectoryBlobStore, sha256Hex } from './blob-store.js';
import { type VerifiedResult, verifyResultSignature } from './result-signature.js';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The JWS given on the command line, or read from a file (`-`: standard input). */
function readJws(argument: string): string {
  if (COMPACT_JWS.test(argument)) return argument;
  const text = argument === '-' ? fs.readFileSync(0, 'utf8') : readFile(argument, '<file|jws>').toString();
  return text.trim();
}

/** A file named by an argument or option; one that cannot be read is refused naming it. */
function readFile(file: string, option: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new DocumentInputError(option, `cannot read ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** A JWKS from a file or a URL (fetched once, 5 s at most). */
async function readJwks(source: string): Promise<JSONWebKeySet> {
  let text: string;
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(5000) }).catch((error: Error) => {
      throw new DocumentInputError('--jwks', `cannot fetch ${source} (${error.message})`);
    });
    if (!response.ok) throw new DocumentInputError('--jwks', `${source} answered ${response.status}`);
    text = await response.text();
  } else text = readFile(source, '--jwks').toString();
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    throw new DocumentInputError('--jwks', 'not JSON');
  }
  if (!Array.isArray((jwks as { keys?: unknown }).keys))
    throw new DocumentInputError('--jwks', 'no "keys" array');
  return jwks as JSONWebKeySet;
}

function report(verified: VerifiedResult, contentChecked: boolean, json: boolean | undefined): void {
  if (json) {
    console.log(
      JSON.stringify(
        { valid: true, ...verified, ...(contentChecked ? { contentMatches: true } : {}) },
        null,
        2,
      ),
    );
    return;
  }
  const c = verified.claims;
  console.log(`signature valid: issuer ${c.issuer}, key ${verified.kid} (${verified.alg})`);
  for (const [name, value] of Object.entries(c)) console.log(`  ${name.padEnd(12)}${value ?? '-'}`);
  if (contentChecked) console.log('content matches contentHash');
}

export function registerDocumentCommands(
  program: Command,
  projections: readonly ProjectionDefinition[],
): void {
  const group = program
    .command('documents')
    .description('documents of dossiers: signed results, the file store');

  group
    .command('verify')
    .description(
      "verify a signed electronic result (compact JWS) against the issuing agency's public keys: a JWKS " +
        'file or URL (--jwks, works offline with a file), or else the agencies registered in --data-dir',
    )
    .argument('<file|jws>', 'the compact JWS, or a file holding it (- for standard input)')
    .option('--jwks <file|url>', "the issuer's JWKS (e.g. saved from /agencies/<organCode>/jwks.json)")
    .option('--content <file>', 'also check that this file is the content the result signs')
    .option('--json', 'print JSON')
    .action(
      async (argument: string, options: { jwks?: string; content?: string; json?: boolean }, command) => {
        const jws = readJws(argument);
        let verified: VerifiedResult;
        if (options.jwks) {
          const jwks = await readJwks(options.jwks);
          verified = await verifyResultSignature(jws, () => jwks);
        } else {
          const global = (command as Command).optsWithGlobals<GlobalOptions>();
          verified = await withSession(global, projections, async ({ runner, db }) => {
            await runner.catchUp('agencies');
            return verifyResultSignature(jws, (issuer) => {
              const keys = getAgency(db, issuer)?.keys;
              if (!keys || !('jwks' in keys)) throw new ResultKeysUnavailableError(issuer);
              return keys.jwks;
            });
          });
        }
        if (options.content) {
          const actual = sha256Hex(readFile(options.content, '--content'));
          if (actual !== verified.claims.contentHash) {
            throw new ResultContentMismatchError(verified.claims.contentHash, actual);
          }
        }
        report(verified, options.content !== undefined, options.json);
      },
    );

  group
    .command('check')
    .description(
      'check every blob of the file store (<data-dir>/documents/) against its address (SHA-256); fails ' +
        'when one does not match (contents stay encrypted: no key is used)',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const config = cliConfig(command.optsWithGlobals<GlobalOptions>());
      const blobs = new DirectoryBlobStore(path.join(config.dataDir, 'documents'));
      let checked = 0;
      const damaged: string[] = [];
      for await (const hash of blobs.list()) {
        checked++;
        const bytes = await blobs.get(hash);
        if (!bytes || sha256Hex(bytes) !== hash) damaged.push(hash);
      }
      if (options.json) console.log(JSON.stringify({ checked, damaged }, null, 2));
      else {
        console.log(`${checked} blob(s) checked, ${damaged.length} damaged`);
        for (const hash of damaged) console.log(`  damaged: ${blobs.pathOf(hash)}`);
      }
      if (damaged.length > 0) throw new IntegrityCheckError(damaged.length);
    });
}
