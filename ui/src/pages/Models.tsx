import { useState, type ReactNode } from 'react';
import { api, get } from '../api';
import { Dialog, Empty, ErrorNote, Field, Loaded, Pager } from '../components';
import { ActionForm } from '../forms';
import { PricingDialog, RoutesDialog } from '../model-forms';
import { useAction, useAsync, useCursor } from '../hooks';
import { PROVIDERS } from '../providers';
import type { Deployment, Model, Page } from '../types';

/** The catalog: models with deployments, prices, fallbacks and aliases; deployments created, edited, disabled. */
export function Models(): ReactNode {
  const paging = useCursor([]);
  const [state, reload] = useAsync(
    () => get<Page<Model>>('/admin/models', { cursor: paging.cursor }),
    [paging.cursor],
  );
  const [editing, setEditing] = useState<Deployment | null>(null);
  const [routes, setRoutes] = useState<Model | null>(null);
  const [pricing, setPricing] = useState<Model | null>(null);
  const action = useAction();
  const toggle = (d: Deployment) =>
    void action.run(async () => {
      await api('PATCH', `/admin/deployments/${d.id}`, { enabled: !d.enabled });
      reload();
    });

  return (
    <section aria-label="Models">
      <DeploymentForm onSaved={reload} />
      <ErrorNote message={action.error} />
      <Loaded state={state}>
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No models in the catalog.</Empty>
          ) : (
            <>
              {page.data.map((m) => (
                <article className="model" key={m.name} aria-label={`Model ${m.name}`}>
                  <h2>
                    {m.name} <span className="tag">{m.source}</span>
                    {m.wildcard && <span className="tag">wildcard</span>}
                  </h2>
                  <p>
                    Aliases: {m.aliases.join(', ') || '—'} · Fallbacks: {m.fallbacks.join(', ') || '—'}
                    {m.context_window_fallbacks.length > 0 &&
                      ` · Context window: ${m.context_window_fallbacks.join(', ')}`}
                    {m.content_policy_fallbacks.length > 0 &&
                      ` · Content policy: ${m.content_policy_fallbacks.join(', ')}`}{' '}
                    <button type="button" className="link" onClick={() => setRoutes(m)}>
                      Edit aliases and fallbacks
                    </button>
                  </p>
                  <p>
                    <button type="button" className="link" onClick={() => setPricing(m)}>
                      Edit prices
                    </button>{' '}
                    Pricing (USD per 1M tokens or per unit):{' '}
                    {Object.entries(m.pricing)
                      .filter(([, v]) => typeof v === 'string')
                      .map(([k, v]) => (
                        <span className="tag" key={k}>
                          {k} {String(v)}
                        </span>
                      ))}
                  </p>
                  <DeploymentTable deployments={m.deployments} onEdit={setEditing} onToggle={toggle} />
                </article>
              ))}
              <Pager
                hasPrevious={paging.hasPrevious}
                nextCursor={page.next_cursor}
                onPrevious={paging.previous}
                onNext={paging.next}
              />
            </>
          )
        }
      </Loaded>
      {editing && (
        <Dialog title={`Edit deployment of ${editing.model_name}`} onClose={() => setEditing(null)}>
          <DeploymentForm
            deployment={editing}
            onSaved={() => {
              setEditing(null);
              reload();
            }}
          />
        </Dialog>
      )}
      {routes && (
        <RoutesDialog
          model={routes}
          onClose={() => setRoutes(null)}
          onSaved={() => {
            setRoutes(null);
            reload();
          }}
        />
      )}
      {pricing && (
        <PricingDialog
          model={pricing}
          onClose={() => setPricing(null)}
          onSaved={() => {
            setPricing(null);
            reload();
          }}
        />
      )}
    </section>
  );
}

function DeploymentTable({
  deployments,
  onEdit,
  onToggle,
}: {
  deployments: Deployment[];
  onEdit: (d: Deployment) => void;
  onToggle: (d: Deployment) => void;
}): ReactNode {
  if (deployments.length === 0) return <Empty>No deployments.</Empty>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Provider</th>
          <th scope="col">Upstream model</th>
          <th scope="col">Base URL</th>
          <th scope="col">Credential</th>
          <th scope="col">Weight / priority</th>
          <th scope="col">State</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {deployments.map((d) => (
          <tr key={d.id} title={d.id}>
            <td>{d.provider}</td>
            <td>{d.upstream_model}</td>
            <td>{d.base_url ?? <span className="muted">default</span>}</td>
            <td>{d.has_api_key ? 'stored (write-only)' : 'none'}</td>
            <td>
              {d.weight} / {d.priority}
            </td>
            <td>{d.enabled ? 'enabled' : 'disabled'}</td>
            <td className="actions">
              <button type="button" onClick={() => onEdit(d)}>
                Edit
              </button>
              <button type="button" onClick={() => onToggle(d)}>
                {d.enabled ? 'Disable' : 'Enable'}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Creates a deployment, or edits one. The credential is write-only: empty keeps the stored one. */
function DeploymentForm({
  deployment,
  onSaved,
}: {
  deployment?: Deployment;
  onSaved: () => void;
}): ReactNode {
  const save = async (v: Record<string, string>) => {
    const body: Record<string, unknown> = {
      model_name: v.model_name,
      provider: v.provider,
      upstream_model: v.upstream_model || undefined,
      base_url: v.base_url || (deployment ? null : undefined),
      weight: Number(v.weight),
      priority: Number(v.priority),
    };
    if (v.api_key) body.api_key = v.api_key;
    if (deployment) await api('PATCH', `/admin/deployments/${deployment.id}`, body);
    else await api('POST', '/admin/deployments', body);
    onSaved();
  };
  return (
    <ActionForm
      label={deployment ? 'Edit deployment' : 'Add deployment'}
      submitLabel={deployment ? 'Save' : 'Add deployment'}
      inline={!deployment}
      onSubmit={save}
    >
      <Field label="Public model">
        <input name="model_name" required defaultValue={deployment?.model_name} />
      </Field>
      <Field label="Provider">
        <select name="provider" defaultValue={deployment?.provider ?? 'openai'}>
          {PROVIDERS.map((p) => (
            <option key={p}>{p}</option>
          ))}
        </select>
      </Field>
      <Field label="Upstream model">
        <input name="upstream_model" defaultValue={deployment?.upstream_model} />
      </Field>
      <Field label="Base URL">
        <input
          name="base_url"
          type="url"
          defaultValue={deployment?.base_url ?? ''}
          placeholder="provider default"
        />
      </Field>
      <Field label={deployment?.has_api_key ? 'Replace credential (empty keeps it)' : 'Provider credential'}>
        <input name="api_key" type="password" autoComplete="off" />
      </Field>
      <Field label="Weight">
        <input name="weight" type="number" min={0} defaultValue={deployment?.weight ?? 1} />
      </Field>
      <Field label="Priority">
        <input name="priority" type="number" min={0} max={1000} defaultValue={deployment?.priority ?? 0} />
      </Field>
    </ActionForm>
  );
}
