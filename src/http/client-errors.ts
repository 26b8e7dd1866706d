// Requests Node's HTTP parser refuses before any route sees them (headers too large, characters
// no header may hold, a malformed request line): answered as problem+json like every other error,
// then the connection is closed, since the stream can no longer be trusted.
import type { Socket } from 'node:net';
import { problemBody, PROBLEM_TYPE } from './problem.ts';

const BY_CODE: Readonly<Record<string, readonly [number, string, string]>> = {
  HPE_HEADER_OVERFLOW: [
    431,
    'header_fields_too_large',
    'The request’s headers are larger than the server accepts (16 KiB).',
  ],
};

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, detail] = BY_CODE[error.code ?? ''] ?? [
    400,
    'invalid_request_line',
    'The request line or a header is malformed (a header value holds a character no header may hold).',
  ];
  const body = JSON.stringify(problemBody(status, code, detail, undefined));
  socket.end(
    `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: ${PROBLEM_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
