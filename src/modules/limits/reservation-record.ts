/**
 * Reservation records as Redis keeps them (limits.scripts.ts, "Reservation records"): a hash per
 * reservation under `<prefix>:lease:reservation:<id>`, read back here. Pure.
 */

/** open: holds its amount; expired: a sweep gave it back at its deadline (a late settlement still counts its spend). */
export type ReservationState = 'open' | 'expired' | 'settled' | 'released';

/** One subject (key or team) a reservation counts against. */
export interface ReservationSubject {
  kind: 'key' | 'team';
  id: string;
  /** Budget period (its start, epoch ms), or 'all'. */
  period: string;
  /** What it reserved of this subject's budget, nano-USD (0: no budget); held while the record is open. */
  heldNano: number;
}

export interface ReservationRecord {
  id: string;
  state: ReservationState;
  keyId?: string;
  teamId?: string;
  /** nano-USD reserved against each budget subject (exact integer). */
  amountNano: number;
  /** The instance that admitted it. */
  owner: string;
  /** The owner's lease ledger holds it too (a request's: given back when the owner dies); a task's is not. */
  inOwnerLedger: boolean;
  /** Epoch ms (Redis' clock). */
  deadlineMs: number;
  estTokens: number;
  subjects: ReservationSubject[];
}

/**
 * The outcome of a settlement or release by id: `settled` / `released` when this call did it; `already-*`
 * when it had been done (`already-expired`: a sweep released it at its deadline); `unknown` when there
 * is no such record (never written, or gone a day after it ended).
 */
export type ReservationOutcome =
  | 'settled'
  | 'released'
  | 'already-settled'
  | 'already-released'
  | 'already-expired'
  | 'unknown';

const OUTCOMES: ReadonlySet<string> = new Set<ReservationOutcome>([
  'settled',
  'released',
  'already-settled',
  'already-released',
  'already-expired',
  'unknown',
]);

export function reservationOutcome(reply: unknown): ReservationOutcome {
  const s = String(reply);
  if (!OUTCOMES.has(s)) throw new Error(`unexpected reservation reply: ${s}`);
  return s as ReservationOutcome;
}

/** The record from its hash fields (HGETALL), or undefined when there is none. */
export function parseReservationRecord(
  id: string,
  fields: Record<string, string>,
): ReservationRecord | undefined {
  if (!fields.state) return undefined;
  const subjects: ReservationSubject[] = [];
  for (const line of (fields.subjects ?? '').split('\n')) {
    const [base, period, held] = line.split('\t');
    const m = /:lim:(key|team):([^:]+)$/.exec(base ?? '');
    if (m) subjects.push({ kind: m[1] as 'key' | 'team', id: m[2], period, heldNano: Number(held) });
  }
  return {
    id,
    state: fields.state as ReservationState,
    keyId: subjects.find((s) => s.kind === 'key')?.id,
    teamId: subjects.find((s) => s.kind === 'team')?.id,
    amountNano: Number(fields.amount ?? 0),
    owner: fields.owner ?? '',
    inOwnerLedger: fields.ledger === '1',
    deadlineMs: Number(fields.deadline ?? 0),
    estTokens: Number(fields.est ?? 0),
    subjects,
  };
}
