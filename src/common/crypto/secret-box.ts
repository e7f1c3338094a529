import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for provider credentials at rest. Format: `v1:<iv b64url>:<tag b64url>:<ciphertext b64url>`.
 * A value sealed with the previous key (rotation) still opens; `needsReseal` tells the caller to re-encrypt.
 */
export class SecretBox {
  constructor(
    private readonly key: Buffer,
    private readonly previousKey?: Buffer,
  ) {
    if (key.length !== 32) throw new Error('SecretBox: key must be 32 bytes');
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ct.toString('base64url'),
    ].join(':');
  }

  open(sealed: string): { plaintext: string; needsReseal: boolean } {
    try {
      return { plaintext: openWith(this.key, sealed), needsReseal: false };
    } catch (err) {
      if (!this.previousKey) throw err;
      return { plaintext: openWith(this.previousKey, sealed), needsReseal: true };
    }
  }
}

function openWith(key: Buffer, sealed: string): string {
  const [version, iv, tag, ct] = sealed.split(':');
  if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('SecretBox: not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}
