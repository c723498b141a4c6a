import type { SourceField } from '../api/types.ts';
import { customName, draftId, type Errors, fixedTargets, type MappingRow } from './state.ts';

interface Props {
  rows: MappingRow[];
  fields: SourceField[];
  errors: Errors;
  onChange: (rows: MappingRow[]) => void;
}

/** Source field → lead field. Email is mandatory; first and last name come pre-mapped; "Map more" adds rows. */
export function MappingEditor({ rows, fields, errors, onChange }: Props) {
  const set = (id: string, patch: Partial<MappingRow>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  const options = (value: string) => (
    <>
      <option value="">Not mapped</option>
      {fields.map((f) => (
        <option key={f.key} value={f.key}>
          {f.label}
          {f.label !== f.key ? ` (${f.key})` : ''}
          {f.availability === 'detail' ? ' · one extra request per changed record' : ''}
        </option>
      ))}
      {value && !fields.some((f) => f.key === value) ? <option value={value}>{value}</option> : null}
    </>
  );
  return (
    <div className="mapping" data-testid="mapping-editor">
      <div className="table-wrap">
        <table className="table mapping-table">
          <thead>
            <tr>
              <th scope="col">Lead field</th>
              <th scope="col">Source field</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const fixed = fixedTargets.find((t) => t.target === row.target && row.fixed);
              const errorKey = fixed ? `mapping.${row.target}` : `mapping.${row.id}`;
              const error = errors[errorKey];
              const errorId = `${row.id}-error`;
              const label = fixed ? fixed.label : customName(row.target) || 'new field';
              return (
                <tr key={row.id} data-testid={`mapping-row-${fixed ? row.target : 'custom'}`}>
                  <th scope="row">
                    {fixed ? (
                      <>
                        {fixed.label}
                        {fixed.required ? (
                          <span className="required" title="required">
                            {' '}
                            *<span className="visually-hidden"> (required)</span>
                          </span>
                        ) : null}
                      </>
                    ) : (
                      <input
                        aria-label="Name of the lead field"
                        value={customName(row.target)}
                        placeholder="e.g. company"
                        onChange={(e) => set(row.id, { target: `fields.${e.target.value.trim()}` })}
                        data-testid="mapping-target"
                      />
                    )}
                  </th>
                  <td>
                    <select
                      aria-label={`Source field for ${label}`}
                      value={row.source}
                      onChange={(e) => set(row.id, { source: e.target.value })}
                      aria-invalid={error ? true : undefined}
                      aria-describedby={error ? errorId : undefined}
                      data-testid={fixed ? `mapping-source-${row.target}` : 'mapping-source'}
                    >
                      {options(row.source)}
                    </select>
                    {error ? (
                      <p className="field-error" id={errorId} role="alert" data-testid={`error-${errorKey}`}>
                        {error}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    {fixed ? null : (
                      <button
                        type="button"
                        className="secondary small"
                        onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
                        aria-label={`Remove the mapping of ${label}`}
                      >
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <button
        type="button"
        className="secondary"
        onClick={() => onChange([...rows, { id: draftId(), target: 'fields.', source: '', fixed: false }])}
        data-testid="map-more"
      >
        Map more
      </button>
    </div>
  );
}
