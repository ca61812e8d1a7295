import WebSocket from 'ws';

/** A message of the `graphql-transport-ws` protocol. */
export interface WsMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/**
 * A GraphQL-over-WebSocket client (`graphql-transport-ws`) over a real socket: it keeps every
 * message the server sends, in order, and lets a test wait for the one it expects.
 */
export class GraphqlWsClient {
  readonly messages: WsMessage[] = [];
  closedWith: number | undefined;
  private waiters: {
    test: (m: WsMessage | 'closed') => boolean;
    resolve: (m: WsMessage | 'closed') => void;
  }[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.receive(JSON.parse(data.toString()) as WsMessage));
    socket.on('close', (code) => {
      this.closedWith = code;
      this.settle('closed');
    });
  }

  /** Opens a socket to `url` (e.g. `ws://127.0.0.1:3000/graphql`). */
  static open(url: string): Promise<GraphqlWsClient> {
    const socket = new WebSocket(url, ['graphql-transport-ws']);
    return new Promise((resolve, reject) => {
      socket.on('open', () => resolve(new GraphqlWsClient(socket)));
      socket.on('error', reject);
    });
  }

  /** Sends `connection_init` with `payload` (the client's connectionParams); resolves with the answer. */
  async init(payload: unknown): Promise<WsMessage | 'closed'> {
    this.socket.send(JSON.stringify({ type: 'connection_init', payload }));
    return this.next((m) => m === 'closed' || m.type === 'connection_ack' || m.type === 'connection_error');
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  /** The `next` payloads of operation `id`, in order. */
  data(id: string): { data?: Record<string, unknown> | null; errors?: unknown[] }[] {
    return this.messages
      .filter((m) => m.id === id && m.type === 'next')
      .map((m) => m.payload as { data?: Record<string, unknown> | null; errors?: unknown[] });
  }

  /** Resolves once a message (or the close) passes `test`, counting those already received. */
  next(test: (m: WsMessage | 'closed') => boolean): Promise<WsMessage | 'closed'> {
    const seen =
      this.messages.find((m) => test(m)) ??
      (this.closedWith !== undefined && test('closed') ? 'closed' : undefined);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  close(): void {
    this.socket.close();
  }

  private receive(message: WsMessage): void {
    this.messages.push(message);
    this.settle(message);
  }

  private settle(message: WsMessage | 'closed'): void {
    const ready = this.waiters.filter((w) => w.test(message));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(message);
  }
}
