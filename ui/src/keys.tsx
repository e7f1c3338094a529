import type { ReactNode } from 'react';
import { get } from './api';
import { Field } from './components';
import { useAsync } from './hooks';
import type { Key, Page } from './types';

/** Every key the caller may see, revoked ones too (their usage stays): for pickers and names. */
export function useKeys(): Key[] {
  const [state] = useAsync(async () => (await get<Page<Key>>('/admin/keys', { limit: 1000 })).data, []);
  return state.status === 'ok' ? state.data : [];
}

/** The "Key" filter of a list: picked by name (the prefix for an unnamed key). */
export function KeyFilter({
  keys,
  value,
  onChange,
}: {
  keys: Key[];
  value: string;
  onChange: (keyId: string) => void;
}): ReactNode {
  return (
    <Field label="Key">
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">all keys</option>
        {keys.map((k) => (
          <option key={k.id} value={k.id}>
            {k.name ?? `${k.key_prefix}…`}
            {k.revoked_at ? ' (revoked)' : ''}
          </option>
        ))}
      </select>
    </Field>
  );
}
