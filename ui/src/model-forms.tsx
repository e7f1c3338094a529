import type { ReactNode } from 'react';
import { api } from './api';
import { Field } from './components';
import { FormDialog } from './forms';
import { listOf, MONEY_PATTERN } from './format';
import type { Model } from './types';

/** A model name in a path: each segment encoded, the slashes of `prefix/*` names kept. */
const modelPath = (name: string) => `/admin/models/${name.split('/').map(encodeURIComponent).join('/')}`;

/** The flat price overrides the console edits (long-context tiers and per-resolution prices: the API). */
const PRICE_FIELDS = [
  ['input_per_mtok', 'Input per 1M tokens'],
  ['output_per_mtok', 'Output per 1M tokens'],
  ['cached_input_per_mtok', 'Cached input per 1M tokens'],
  ['reasoning_per_mtok', 'Reasoning per 1M tokens'],
  ['per_request', 'Per request'],
  ['per_image', 'Per image'],
  ['per_audio_second', 'Per audio second'],
  ['per_video_second', 'Per video second'],
] as const;

/** Price overrides as decimal strings, sent as typed; an emptied field goes back to the shipped price. */
export function PricingDialog({
  model,
  onClose,
  onSaved,
}: {
  model: Model;
  onClose: () => void;
  onSaved: () => void;
}): ReactNode {
  const save = async (v: Record<string, string>) => {
    const body = Object.fromEntries(PRICE_FIELDS.map(([name]) => [name, v[name] || null]));
    await api('PUT', `${modelPath(model.name)}/pricing`, body);
    onSaved();
  };
  return (
    <FormDialog title={`Prices of ${model.name} (USD)`} onClose={onClose} onSubmit={save}>
      {PRICE_FIELDS.map(([name, label]) => (
        <Field key={name} label={label}>
          <input
            name={name}
            inputMode="decimal"
            pattern={MONEY_PATTERN}
            placeholder={
              typeof model.pricing[name] === 'string' ? `shipped: ${String(model.pricing[name])}` : 'none'
            }
            defaultValue={
              typeof model.pricing_overrides[name] === 'string' ? String(model.pricing_overrides[name]) : ''
            }
          />
        </Field>
      ))}
    </FormDialog>
  );
}

const ROUTE_LISTS = [
  ['fallbacks', 'Fallbacks'],
  ['context_window_fallbacks', 'Context window fallbacks'],
  ['content_policy_fallbacks', 'Content policy fallbacks'],
] as const;

export function RoutesDialog({
  model,
  onClose,
  onSaved,
}: {
  model: Model;
  onClose: () => void;
  onSaved: () => void;
}): ReactNode {
  const save = async (v: Record<string, string>) => {
    await api('PUT', `${modelPath(model.name)}/aliases`, { aliases: listOf(v.aliases ?? '') });
    await api(
      'PUT',
      `${modelPath(model.name)}/fallbacks`,
      Object.fromEntries(ROUTE_LISTS.map(([name]) => [name, listOf(v[name] ?? '')])),
    );
    onSaved();
  };
  return (
    <FormDialog title={`Aliases and fallbacks of ${model.name}`} onClose={onClose} onSubmit={save}>
      <Field label="Aliases (comma-separated)">
        <input name="aliases" defaultValue={model.aliases.join(', ')} />
      </Field>
      {ROUTE_LISTS.map(([name, label]) => (
        <Field key={name} label={label}>
          <input name={name} defaultValue={model[name].join(', ')} />
        </Field>
      ))}
    </FormDialog>
  );
}
