import { defineError } from './base.js';

// ── Identity documents read at the one-stop desk ───────────────────────────────────────────────

/**
 * The QR text of a chip-based citizen identity card is not one: the error names the field (its
 * position, 1-based, and its name) and why, never the value (it is personal data).
 */
export class IdentityQrInvalidError extends defineError({
  code: 'IDENTITY_QR_INVALID',
  status: 400,
  args: (
    /** 1-based position of the field in the `|`-separated text (0: the text as a whole). */
    position: number,
    /** Name of the field, e.g. `dateOfBirth`. */
    name: string,
    reason: string,
    /** The API argument the QR text came in, e.g. `qr` or `input.applicantQr`. */
    field = 'qr',
  ) => ({ position, name, reason, field }),
  message: (d) =>
    d.position === 0
      ? `invalid identity card QR: ${d.reason}`
      : `invalid identity card QR, field ${d.position} (${d.name}): ${d.reason}`,
}) {}
