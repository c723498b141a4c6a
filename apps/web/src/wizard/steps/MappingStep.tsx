import type { SourceField } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ui.tsx';
import { MappingEditor } from '../MappingEditor.tsx';
import type { Errors, MappingRow } from '../state.ts';

interface Props {
  sourceName: string | undefined;
  rows: MappingRow[];
  fields: SourceField[];
  fieldsError: string | null;
  errors: Errors;
  onChange: (rows: MappingRow[]) => void;
}

/** Step 2: which source field fills each field of a lead (email required). */
export function MappingStep({ sourceName, rows, fields, fieldsError, errors, onChange }: Props) {
  return (
    <div className="step-mapping">
      <p>
        Choose which field of <strong>{sourceName ?? 'the source'}</strong> fills each field of a lead. Email
        is required.
      </p>
      {fieldsError ? <ErrorBanner message={fieldsError} /> : null}
      <MappingEditor rows={rows} fields={fields} errors={errors} onChange={onChange} />
    </div>
  );
}
