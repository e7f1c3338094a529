import { randomBytes } from 'node:crypto';

/** One file part of a form to send upstream. */
export interface UploadFile {
  field: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** A `multipart/form-data` body to send upstream: text fields (a field may repeat) and files. */
export interface UploadForm {
  fields: ReadonlyArray<readonly [name: string, value: string]>;
  files: readonly UploadFile[];
}

/** An encoded form: its bytes and the content type naming its boundary. */
export interface EncodedForm {
  contentType: string;
  body: Buffer;
}

/**
 * Encodes a form as `multipart/form-data` (RFC 7578): the fields, then the files. The file bytes are
 * copied once, into the one buffer sent upstream. Names and file names are quoted, with `"` and line
 * breaks percent-encoded as browsers do.
 */
export function encodeMultipart(form: UploadForm, boundary = defaultBoundary()): EncodedForm {
  const parts: Buffer[] = [];
  for (const [name, value] of form.fields)
    parts.push(Buffer.from(`--${boundary}\r\n${disposition(name)}\r\n\r\n${value}\r\n`, 'utf8'));
  for (const f of form.files) {
    const head =
      `--${boundary}\r\n${disposition(f.field)}; filename="${quoted(f.filename)}"\r\n` +
      `Content-Type: ${f.contentType || 'application/octet-stream'}\r\n\r\n`;
    parts.push(Buffer.from(head, 'utf8'), Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength));
    parts.push(Buffer.from('\r\n', 'utf8'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

function disposition(name: string): string {
  return `Content-Disposition: form-data; name="${quoted(name)}"`;
}

function quoted(s: string): string {
  return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function defaultBoundary(): string {
  return `----switchboard${randomBytes(12).toString('hex')}`;
}
