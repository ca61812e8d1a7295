import type { Command } from '../../kernel/decider/index.js';
import type {
  ExchangeDeliveryFailedData,
  ExchangeMessageAcceptedData,
  ExchangeMessageForwardedData,
  ExchangeMessageRefusedData,
  RouteData,
} from './events.js';

/** A verified envelope is taken in (from a local organ's system or from another hub) with its routes. */
export type AcceptMessage = Command<
  'AcceptMessage',
  { message: ExchangeMessageAcceptedData; routes: RouteData[] }
>;
/** The next hub acknowledged the message. */
export type RecordForwarded = Command<'RecordForwarded', ExchangeMessageForwardedData>;
/** A delivery attempt to the next hub failed. */
export type RecordDeliveryFailed = Command<'RecordDeliveryFailed', ExchangeDeliveryFailedData>;
/** An envelope of this document was refused (sending a secret document, a bad signature on receipt). */
export type RecordRefusal = Command<'RecordRefusal', ExchangeMessageRefusedData>;

export type ExchangeCommand = AcceptMessage | RecordForwarded | RecordDeliveryFailed | RecordRefusal;
