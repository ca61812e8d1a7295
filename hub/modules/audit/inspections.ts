import type { ModuleHost } from '../../kernel/module.js';
import type { Principal } from '../../kernel/principal.js';

/** What the audit module records of an inspector's read through the `inspections` service. */
export interface AuditInspection {
  kind: 'audit-export' | 'audit-proof';
  /** Pseudonym of the citizen the read is about, or null. */
  subject: string | null;
  query: Record<string, unknown>;
  count: number;
  requestId: string;
}

/** The part of the access-log module's `inspections` service this module uses. */
export interface InspectionRecorder {
  record(principal: Principal, inspection: AuditInspection): Promise<string>;
}

/**
 * The `inspections` service when a module before this one provides it (the access log), so that
 * every export and proof an inspector asks for is itself recorded, before the answer leaves.
 */
export function inspectionRecorder(host: ModuleHost): InspectionRecorder | undefined {
  const services = host.services as unknown as { has(name: string): boolean; get(name: string): unknown };
  return services.has('inspections') ? (services.get('inspections') as InspectionRecorder) : undefined;
}
