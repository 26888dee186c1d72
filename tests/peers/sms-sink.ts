import { createServer, type Server } from 'node:http';

export interface ReceivedSms {
  to: string;
  text: string;
}

/**
 * An SMS gateway stand-in on 127.0.0.1: it accepts a POST of JSON {"to", "text"}, as the service's
 * gateway client sends, and keeps every message. `failNext` makes it return 503 once.
 */
export class SmsSink {
  readonly messages: ReceivedSms[] = [];
  failNext = false;
  readonly #server: Server;
  #port = 0;

  constructor() {
    this.#server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (this.failNext) {
          this.failNext = false;
          response.writeHead(503).end();
          return;
        }
        try {
          const message = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedSms;
          if (typeof message.to !== 'string' || typeof message.text !== 'string') throw new Error('missing to or text');
          this.messages.push({ to: message.to, text: message.text });
          response.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"queued"}');
        } catch {
          response.writeHead(400).end();
        }
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as { port: number }).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/sms`;
  }

  /** Returns the newest message to `to`, or undefined. */
  latest(to: string): ReceivedSms | undefined {
    return [...this.messages].reverse().find((message) => message.to === to);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
