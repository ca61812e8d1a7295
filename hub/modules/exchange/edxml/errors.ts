import {
  ExchangeAttachmentHashMismatchError,
  ExchangeAttachmentSizeMismatchError,
  ExchangeAttachmentTooLargeError,
  ExchangeEnvelopeInvalidError,
  ExchangeXmlDtdForbiddenError,
  ExchangeXmlMalformedError,
  ExchangeXmlPiForbiddenError,
  ExchangeXmlTooDeepError,
  ExchangeXmlTooLargeError,
  ExchangeXmlTooManyAttachmentsError,
  ExchangeXmlTooManyElementsError,
} from '../../../kernel/errors/index.js';

const CLASSES = [
  ExchangeXmlTooLargeError,
  ExchangeXmlDtdForbiddenError,
  ExchangeXmlPiForbiddenError,
  ExchangeXmlTooDeepError,
  ExchangeXmlTooManyElementsError,
  ExchangeXmlTooManyAttachmentsError,
  ExchangeXmlMalformedError,
  ExchangeEnvelopeInvalidError,
  ExchangeAttachmentTooLargeError,
  ExchangeAttachmentHashMismatchError,
  ExchangeAttachmentSizeMismatchError,
] as const;

/** Every error the codec throws: each has a `reason` for the status 02 that answers a refused envelope. */
export type EdxmlError = InstanceType<(typeof CLASSES)[number]>;

/** Whether an error is one the codec throws (anything else is a fault of the hub). */
export const isEdxmlError = (error: unknown): error is EdxmlError => CLASSES.some((c) => error instanceof c);
