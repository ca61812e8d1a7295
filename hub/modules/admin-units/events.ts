import { v5 as uuidv5 } from 'uuid';
import type { EventData } from '../../kernel/event-store.js';

/** Tier of an administrative unit. The district tier exists only before 1 July 2025. */
export type AdminLevel = 'province' | 'district' | 'commune';

/** Legal kind (loại hình) of a unit, as written in the official lists. */
export type AdminUnitKind =
  | 'Tỉnh'
  | 'Thành phố'
  | 'Quận'
  | 'Huyện'
  | 'Thị xã'
  | 'Phường'
  | 'Xã'
  | 'Thị trấn'
  | 'Đặc khu';

export interface AdministrativeUnitEstablishedData {
  unitId: string;
  code: string;
  level: AdminLevel;
  kind: AdminUnitKind;
  name: string;
  englishName?: string;
  parentUnitId?: string;
  /** First day in force, `YYYY-MM-DD`. */
  validFrom: string;
}

export interface Successor {
  unitId: string;
  share: 'whole' | 'part';
}

export interface AdministrativeUnitSucceededData {
  unitId: string;
  /** First day no longer in force, `YYYY-MM-DD` (exclusive end). */
  validTo: string;
  successors: Successor[];
  note?: string;
}

export type AdministrativeUnitEstablished = EventData<
  'AdministrativeUnitEstablished',
  AdministrativeUnitEstablishedData
>;
export type AdministrativeUnitSucceeded = EventData<
  'AdministrativeUnitSucceeded',
  AdministrativeUnitSucceededData
>;
export type AdminUnitEvent = AdministrativeUnitEstablished | AdministrativeUnitSucceeded;

/** Every event type this domain writes (each has a schema in schemas/events/). */
export const eventTypes = ['AdministrativeUnitEstablished', 'AdministrativeUnitSucceeded'] as const;

export const STREAM_CATEGORY = 'adminunit';

/** Namespace of every deterministic id of this domain: UUIDv5('https://lienthong.gov.vn/admin-units', URL). */
export const ADMIN_UNITS_NAMESPACE = '54c0e5ce-3f3a-58b4-9e57-fefb56821783';

/**
 * A unit's identity: `<level>.<code>.<validFrom as YYYYMMDD>`. Statistical codes are reused after a
 * reorganisation (the new Phường Ba Đình took code 00004 of the old Phường Trúc Bạch), so the code
 * alone does not name a unit; code and first day in force do.
 */
export function adminUnitId(level: AdminLevel, code: string, validFrom: string): string {
  return `${level}.${code}.${validFrom.replaceAll('-', '')}`;
}

export function adminUnitStream(unitId: string): string {
  return `${STREAM_CATEGORY}-${unitId}`;
}

/** Deterministic event id: the same unit and event kind always give the same id. */
export function adminUnitEventId(unitId: string, type: AdminUnitEvent['type']): string {
  return uuidv5(`${unitId}/${type}`, ADMIN_UNITS_NAMESPACE);
}
