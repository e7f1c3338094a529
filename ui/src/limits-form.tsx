import type { ReactNode } from 'react';
import { Field } from './components';
import { listOf, MONEY_PATTERN } from './format';
import type { Limits } from './types';

export const BUDGET_DURATIONS = ['1h', '1d', '7d', '30d', '1mo'];

/** The budget, period and rate-limit inputs shared by the team and key forms. */
export function LimitInputs({ value }: { value?: Partial<Limits> }): ReactNode {
  return (
    <>
      <Field label="Budget (USD)">
        <input
          name="max_budget_usd"
          inputMode="decimal"
          pattern={MONEY_PATTERN}
          defaultValue={value?.max_budget_usd ?? ''}
          placeholder="none"
        />
      </Field>
      <Field label="Budget period">
        <select name="budget_duration" defaultValue={value?.budget_duration ?? ''}>
          <option value="">all time</option>
          {BUDGET_DURATIONS.map((d) => (
            <option key={d}>{d}</option>
          ))}
        </select>
      </Field>
      <Field label="Requests / minute">
        <input
          name="rpm_limit"
          type="number"
          min={1}
          defaultValue={value?.rpm_limit ?? ''}
          placeholder="none"
        />
      </Field>
      <Field label="Tokens / minute">
        <input
          name="tpm_limit"
          type="number"
          min={1}
          defaultValue={value?.tpm_limit ?? ''}
          placeholder="none"
        />
      </Field>
      <Field label="Allowed models (comma-separated)">
        <input
          name="allowed_models"
          defaultValue={value?.allowed_models?.join(', ') ?? ''}
          placeholder="every model"
        />
      </Field>
    </>
  );
}

/** The limit fields of a form as the API takes them: money as the typed decimal string, empty clears. */
export function limitBody(v: Record<string, string>): Record<string, unknown> {
  return {
    max_budget_usd: v.max_budget_usd || null,
    budget_duration: v.budget_duration || null,
    rpm_limit: v.rpm_limit ? Number(v.rpm_limit) : null,
    tpm_limit: v.tpm_limit ? Number(v.tpm_limit) : null,
    allowed_models: listOf(v.allowed_models ?? ''),
  };
}
