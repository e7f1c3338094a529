import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { GatewayError } from '../common/errors/gateway-error';
import { discardRestOf } from '../common/http/discard-body';
import { tooLarge } from '../common/http/json-body';

/** One uploaded file of a multipart body, read once into memory. */
export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A `multipart/form-data` body: its text fields and its files, in the order they came. */
export interface MultipartBody {
  /** Each field's last value. */
  fields: Record<string, string>;
  /** Every field in the order it came, repeated ones (`timestamp_granularities[]`) included. */
  fieldList?: Array<[name: string, value: string]>;
  files: MultipartFile[];
}

/**
 * Reads a `multipart/form-data` body as it streams in (busboy), each file's bytes gathered once,
 * within `maxBytes` for the whole body (413 above it, also when the length is not announced; the rest
 * is discarded so the client reads the answer). A body
 * of another type is a 400 naming `content-type`; a malformed one a 400 naming `body`.
 */
export function readMultipartBody(req: IncomingMessage, maxBytes: number): Promise<MultipartBody> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    discardRestOf(req);
    return Promise.reject(
      new GatewayError(
        'unsupported_content_type',
        `This route takes 'content-type: multipart/form-data'; the request came with ${type ? `'${type}'` : 'none'}`,
        { param: 'content-type' },
      ),
    );
  }
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    discardRestOf(req);
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const body: MultipartBody = { fields: {}, fieldList: [], files: [] };
    let size = 0;
    let done = false;
    const fail = (err: GatewayError) => {
      if (done) return;
      done = true;
      req.unpipe(parser);
      discardRestOf(req);
      reject(err);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: maxBytes } });
    } catch (err) {
      req.resume();
      reject(malformed(err));
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge(maxBytes));
    });
    parser.on('field', (name, value) => {
      body.fields[name] = value;
      body.fieldList?.push([name, value]);
    });
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        body.files.push({
          field,
          filename: info.filename,
          contentType: info.mimeType,
          data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
        });
      });
    });
    parser.on('error', (err) => fail(malformed(err)));
    parser.on('close', () => {
      if (done) return;
      done = true;
      resolve(body);
    });
    req.on('error', (err) => fail(malformed(err)));
    req.pipe(parser);
  });
}

function malformed(err: unknown): GatewayError {
  const why = err instanceof Error ? err.message : String(err);
  return new GatewayError('invalid_request', `The multipart body cannot be read: ${why}`, { param: 'body' });
}
