import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the endpoint received it. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the endpoint sends back. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface LocalEndpoint {
  /** http://127.0.0.1:<port>, for AWS_ENDPOINT_URL or a client's endpoint. */
  url: string;
  /** Every request so far, in order (empty it to start a new count). */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** A local HTTP endpoint in place of AWS, for a bundle run in another process: records each request and answers it with `answer`. */
export async function localEndpoint(answer: (request: ReceivedRequest) => Answer): Promise<LocalEndpoint> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      const got = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body };
      received.push(got);
      const { status, headers, body: answerBody } = answer(got);
      response.writeHead(status, headers).end(answerBody);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
