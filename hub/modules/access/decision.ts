import {
  ApiBadInputError,
  AuthForbiddenError,
  FieldNotInContractError,
  HubError,
  NoContractError,
  PurposeNotAllowedError,
} from '../../kernel/errors/index.js';
import type { Principal } from '../../kernel/principal.js';
import { type ConsentReadModel, type ConsentService, requireConsent } from '../consent/index.js';
import type { ContractView, FindContracts } from '../contracts/index.js';
import type { AccessInputRules } from './limits.js';
import type { AccessRateLimiter, RateLimit } from './rate-limit.js';

/** What a release is decided on: who asks for which fields of which dataset, and why. */
export interface DecisionRequest {
  principal: Principal;
  dataset: string;
  purpose: string;
  dossier: string | null;
  fields: string[];
  /** Where the caller selected the fields, named when none is selected. */
  selection?: string;
}

/** The terms a release relies on. */
export interface Decision {
  contract: ContractView;
  consentId: string | null;
}

/** Raised inside a release decision: the caller's error plus what the denial record should name. */
export class Denied extends Error {
  constructor(
    readonly error: HubError,
    readonly contract: ContractView | null,
    readonly consentId: string | null,
  ) {
    super(error.message);
  }
}

export interface DecisionDeps {
  findContracts: FindContracts;
  consents: ConsentReadModel;
  consentService: Pick<ConsentService, 'verify'>;
  rateLimiter: AccessRateLimiter;
  input: AccessInputRules;
  refusalRateLimit: RateLimit;
}

const contractBucket = (c: ContractView) => `contract\u0000${c.contractId}\u0000${c.consumer}`;

/**
 * Decides whether a request may be answered: the fields must be in a contract in force for the
 * caller's agency and purpose and, where the contract says so, in an active consent of the citizen.
 * Every request counts against a rate limit, refused ones too: those refused before a contract
 * applied against the agency's refusal limit, the others against their contract's. Throws `Denied`.
 */
export class ReleaseDecider {
  constructor(private readonly deps: DecisionDeps) {}

  /** The contract and, where it requires one, the consent of `subject` the release relies on. */
  async decide(req: DecisionRequest, subject: string, now: Date): Promise<Decision> {
    const contract = this.contractDecision(req, now);
    if (!contract.consentRequired) return { contract, consentId: null };
    try {
      const consent = await requireConsent(this.deps.consents, this.deps.consentService, {
        subject,
        consumer: req.principal.agency,
        dataset: req.dataset,
        purpose: req.purpose,
        dossier: req.dossier,
        fields: req.fields,
        now: now.toISOString(),
      });
      return { contract, consentId: consent.consentId };
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      const considered = (error as { consentId?: unknown }).consentId;
      throw new Denied(error, contract, typeof considered === 'string' ? considered : null);
    }
  }

  /** The contract in force for the request, its use counted against the rate limits. */
  contractDecision(req: DecisionRequest, now: Date): ContractView {
    let contract: ContractView;
    try {
      contract = this.contractFor(req, now);
    } catch (error) {
      if (!(error instanceof Denied)) throw error;
      const bucket = error.contract
        ? contractBucket(error.contract)
        : `refusals\u0000${req.principal.agency}`;
      const limit = error.contract?.rateLimit ?? this.deps.refusalRateLimit;
      this.take(bucket, limit, error.contract);
      throw error;
    }
    this.take(contractBucket(contract), contract.rateLimit, contract);
    return contract;
  }

  private take(bucket: string, limit: RateLimit, contract: ContractView | null): void {
    try {
      this.deps.rateLimiter.take(bucket, limit, contract?.contractId ?? null);
    } catch (error) {
      throw new Denied(error as HubError, contract, null);
    }
  }

  /** The contract a request is decided under, or the refusal (before any rate limit is counted). */
  private contractFor(req: DecisionRequest, now: Date): ContractView {
    for (const name of ['purpose', 'dossier'] as const) {
      const issue = req[name] === null ? undefined : this.deps.input[name](req[name]);
      if (issue) {
        const error = new ApiBadInputError(`${name}${issue.at} ${issue.message}`, {
          field: `${name}${issue.at}`,
          limit: issue.limit,
        });
        throw new Denied(error, null, null);
      }
    }
    if (req.principal.role !== 'consumer') {
      throw new Denied(
        new AuthForbiddenError('only consumer agencies receive personal data', ['consumer']),
        null,
        null,
      );
    }
    if (req.fields.length === 0) {
      const error = new ApiBadInputError('select at least one field', { field: req.selection ?? 'fields' });
      throw new Denied(error, null, null);
    }
    const inForce = this.deps
      .findContracts({ consumer: req.principal.agency, dataset: req.dataset, on: now })
      .filter((c) => c.status === 'active');
    if (inForce.length === 0)
      throw new Denied(new NoContractError(req.principal.agency, req.dataset), null, null);
    const forPurpose = inForce.filter((c) => c.purposes.includes(req.purpose));
    if (forPurpose.length === 0)
      throw new Denied(new PurposeNotAllowedError(req.purpose, req.dataset), null, null);
    const missing = (c: ContractView) => req.fields.filter((f) => !c.fields.includes(f));
    const contract = [...forPurpose].sort((a, b) => missing(a).length - missing(b).length)[0]!;
    if (missing(contract).length > 0) {
      throw new Denied(new FieldNotInContractError(contract.contractId, missing(contract)), contract, null);
    }
    return contract;
  }
}
