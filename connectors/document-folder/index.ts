/**
 * The document-folder connector: an agency's document system hands edXML envelopes to its hub, and
 * receives what reached it, through two folders (README.md).
 */
export {
  type DocumentFolderCounts,
  type DocumentFolderOptions,
  type DocumentFolderResult,
  runDocumentFolder,
} from './connector.js';
export {
  ExchangeClient,
  type ExchangeClientOptions,
  type HubErrorBody,
  hubLabel,
  type InboxItem,
  type SendReceipt,
  type SendResult,
  tokenFromFile,
} from './hub-client.js';
export {
  CURSOR_FILE,
  type IncomingHooks,
  type IncomingOptions,
  type IncomingPass,
  incomingName,
  readCursor,
  receiveIncoming,
  writeCursor,
} from './incoming.js';
export {
  type OutgoingHooks,
  type OutgoingOptions,
  type OutgoingPass,
  outgoingFiles,
  REFUSED_DIR,
  SENT_DIR,
  SettleRule,
  sendFile,
  sendOutgoing,
} from './outgoing.js';
