import type { ReactNode } from 'react';
import type { FormField, SpecValues, UploadedFile } from '../wizard/spec.ts';
import { FileUploadField } from './FileUpload.tsx';
import { Field } from './ui.tsx';

interface Props {
  connectorId: string;
  fields: readonly FormField[];
  values: SpecValues;
  errors: Record<string, string>;
  onChange: (path: string, value: string | boolean | UploadedFile | null) => void;
}

/**
 * The fields of a connector's spec, drawn by kind (text, secret, choice, yes/no, number, file); the advanced ones
 * folded under "Advanced". Each control's test id is `field-<path>` (`field-credentials.clientId`).
 */
export function SpecFields({ connectorId, fields, values, errors, onChange }: Props) {
  const draw = (f: FormField): ReactNode => {
    const testId = `field-${f.path}`;
    const value = values[f.path];
    if (f.kind === 'file') {
      return (
        <FileUploadField
          key={`${connectorId}:${f.path}`}
          connectorId={connectorId}
          field={f}
          error={errors[f.path] ?? errors[f.section]}
          onUploaded={(uploaded) => onChange(f.path, uploaded)}
        />
      );
    }
    if (f.kind === 'boolean') {
      return (
        <div className="checkbox-field" key={f.path}>
          <label>
            <input
              type="checkbox"
              checked={value === true}
              onChange={(e) => onChange(f.path, e.target.checked)}
              data-testid={testId}
            />{' '}
            {f.title}
          </label>
          {f.help ? <p className="hint">{f.help}</p> : null}
        </div>
      );
    }
    const text = typeof value === 'string' ? value : '';
    return (
      <Field key={f.path} label={f.title} error={errors[f.path]} hint={f.help}>
        {(p) =>
          f.kind === 'choice' ? (
            <select
              {...p}
              value={text}
              onChange={(e) => onChange(f.path, e.target.value)}
              data-testid={testId}
            >
              {f.choices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          ) : (
            <input
              {...p}
              type={
                f.kind === 'secret'
                  ? 'password'
                  : f.kind === 'number'
                    ? 'number'
                    : f.property.format === 'uri'
                      ? 'url'
                      : 'text'
              }
              autoComplete="off"
              aria-required={f.required || undefined}
              placeholder={f.property.placeholder}
              value={text}
              onChange={(e) => onChange(f.path, e.target.value)}
              data-testid={testId}
            />
          )
        }
      </Field>
    );
  };
  const advanced = fields.filter((f) => f.advanced);
  return (
    <>
      {fields.filter((f) => !f.advanced).map(draw)}
      {advanced.length > 0 ? (
        <details>
          <summary>Advanced</summary>
          {advanced.map(draw)}
        </details>
      ) : null}
    </>
  );
}
