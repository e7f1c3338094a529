/** Google's `google.rpc.Code` name for an HTTP status (contract §3's table, plus Google's usual mapping). */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string };
}

export function googleStatusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

/** `{"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}`, the shape `@google/genai` reads. */
export function toGoogleErrorBody(status: number, message: string): GoogleErrorBody {
  return { error: { code: status, message, status: googleStatusName(status) } };
}
