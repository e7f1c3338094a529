import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { GatewayError } from '../../common/errors/gateway-error';
import { refuseNulText } from '../../common/validation/nul-text';

/** The ValidationPipe, after refusing text no column can hold (U+0000) with a 400 naming its field. */
class AdminValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    refuseNulText(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    return super.transform(value, metadata);
  }
}

/**
 * The ValidationPipe for admin DTOs: unknown fields are refused, values converted, and the 400 names
 * the first offending field in `param` (`metadata.x`, `allowed_models.0`).
 */
export function adminValidationPipe(): ValidationPipe {
  return new AdminValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const flat = flatten(errors);
      const message = flat.map((e) => e.messages.join(', ')).join('; ') || 'invalid request';
      return new GatewayError('invalid_request', message, { param: flat[0]?.path });
    },
  });
}

function flatten(errors: ValidationError[], parent = ''): Array<{ path: string; messages: string[] }> {
  const out: Array<{ path: string; messages: string[] }> = [];
  for (const e of errors) {
    const path = parent ? `${parent}.${e.property}` : e.property;
    if (e.constraints) {
      out.push({
        path,
        messages: Object.values(e.constraints).map((m) => messageNaming(m, e.property, path)),
      });
    }
    out.push(...flatten(e.children ?? [], path));
  }
  return out;
}

/** `m` naming the field by its full path: `threshold_tokens must be …` → `long_context.threshold_tokens must be …`. */
function messageNaming(m: string, property: string, path: string): string {
  if (m.startsWith(`${property} `)) return `${path}${m.slice(property.length)}`;
  return m.includes(property) ? m : `${path} ${m}`;
}
