import { randomBytes } from 'node:crypto';

/** A file part of a form to send. */
export interface FormFile {
  field: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** A `multipart/form-data` body, ready to send: its content type (with the boundary) and its bytes. */
export interface EncodedForm {
  contentType: string;
  body: Uint8Array;
}

/**
 * Encodes text fields and files as `multipart/form-data` (RFC 7578) with a random boundary: fields
 * first, in the order given, then the files. Quotes and line breaks in names are percent-escaped the
 * way browsers do.
 */
export function encodeMultipartForm(fields: Record<string, string>, files: readonly FormFile[]): EncodedForm {
  const boundary = `----switchboard${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields))
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${escape(name)}"\r\n\r\n${value}\r\n`,
      ),
    );
  for (const f of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${escape(f.field)}"; filename="${escape(f.filename)}"\r\n` +
          `content-type: ${f.contentType || 'application/octet-stream'}\r\n\r\n`,
      ),
      Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

function escape(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
