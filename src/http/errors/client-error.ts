import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError } from '../../common/errors/gateway-error';
import { generateRequestId } from '../../common/http/request-id';
import { dialectOfPath } from '../../dialects/dialect';
import { renderErrorBody } from '../../dialects/error-bodies';

/** A parse error of Node's HTTP server: its code (`HPE_INVALID_HEADER_TOKEN`) and the bytes it read. */
type ClientError = Error & { code?: string; rawPacket?: Buffer };

/**
 * The answer to a request Node's HTTP parser refuses (a raw CR in a header, a bare LF in the request
 * line, headers too large): a JSON error in the dialect of its path when the request line could be
 * read (Node's own answer has no body), then the connection closed.
 */
export function answerClientError(
  err: ClientError,
  socket: Duplex & { _httpMessage?: ServerResponse },
): void {
  // A parse error after an answer began (a pipelined request) cannot be answered on that stream.
  if (err.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const code = err.code ?? 'HPE_INVALID';
  const status = code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const path = /^[A-Z]+ (\/[^ ?\r\n]*)/.exec(err.rawPacket?.toString('latin1') ?? '')?.[1] ?? '/';
  const error = new GatewayError('invalid_request', `The request is not valid HTTP/1.1 (${code})`, {
    status,
    param: code.includes('HEADER') ? 'headers' : 'request',
  });
  const requestId = generateRequestId();
  const body = JSON.stringify(renderErrorBody(dialectOfPath(path), error, requestId));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  );
}
