import type { CriteriaOp, SourceField } from '../api/types.ts';
import { criteriaOps, type GroupDraft, newGroup, newRule, opNeedsValue, type RuleDraft } from './state.ts';

interface Props {
  group: GroupDraft;
  fields: SourceField[];
  onChange: (group: GroupDraft) => void;
  depth?: number;
  onRemove?: () => void;
}

/** Conditions on source fields, combined with all/any, in nested groups. */
export function CriteriaBuilder({ group, fields, onChange, depth = 0, onRemove }: Props) {
  const update = (i: number, next: RuleDraft | GroupDraft | null) => {
    const rules = [...group.rules];
    if (next === null) rules.splice(i, 1);
    else rules[i] = next;
    onChange({ ...group, rules });
  };
  const label = depth === 0 ? 'Conditions' : `Group at level ${depth + 1}`;
  return (
    <fieldset
      className={`criteria-group depth-${Math.min(depth, 3)}`}
      data-testid={`criteria-group-${depth}`}
    >
      <legend>{label}</legend>
      <div className="row">
        <label>
          Leads must match{' '}
          <select
            value={group.match}
            onChange={(e) => onChange({ ...group, match: e.target.value === 'any' ? 'any' : 'all' })}
            data-testid="criteria-match"
          >
            <option value="all">all</option>
            <option value="any">any</option>
          </select>{' '}
          of these conditions
        </label>
        {onRemove ? (
          <button type="button" className="secondary small" onClick={onRemove}>
            Remove group
          </button>
        ) : null}
      </div>
      <ul className="criteria-rules">
        {group.rules.map((r, i) =>
          r.kind === 'group' ? (
            <li key={r.id}>
              <CriteriaBuilder
                group={r}
                fields={fields}
                depth={depth + 1}
                onChange={(g) => update(i, g)}
                onRemove={() => update(i, null)}
              />
            </li>
          ) : (
            <li key={r.id} className="criteria-rule" data-testid="criteria-rule">
              <RuleEditor
                rule={r}
                index={i}
                fields={fields}
                onChange={(x) => update(i, x)}
                onRemove={() => update(i, null)}
              />
            </li>
          ),
        )}
      </ul>
      <div className="row">
        <button
          type="button"
          className="secondary small"
          onClick={() => onChange({ ...group, rules: [...group.rules, newRule()] })}
          data-testid="criteria-add-rule"
        >
          Add condition
        </button>
        {depth < 3 ? (
          <button
            type="button"
            className="secondary small"
            onClick={() =>
              onChange({ ...group, rules: [...group.rules, newGroup(group.match === 'all' ? 'any' : 'all')] })
            }
            data-testid="criteria-add-group"
          >
            Add group
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

function RuleEditor({
  rule,
  index,
  fields,
  onChange,
  onRemove,
}: {
  rule: RuleDraft;
  index: number;
  fields: SourceField[];
  onChange: (r: RuleDraft) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const dateOp = rule.op === 'before' || rule.op === 'after';
  return (
    <>
      <select
        aria-label={`Field of condition ${n}`}
        value={rule.field}
        onChange={(e) => onChange({ ...rule, field: e.target.value })}
        data-testid="criteria-field"
      >
        <option value="">Choose a field…</option>
        {fields.map((f) => (
          <option key={f.key} value={f.key}>
            {f.label}
          </option>
        ))}
        {rule.field && !fields.some((f) => f.key === rule.field) ? (
          <option value={rule.field}>{rule.field}</option>
        ) : null}
      </select>
      <select
        aria-label={`Operator of condition ${n}`}
        value={rule.op}
        onChange={(e) => onChange({ ...rule, op: e.target.value as CriteriaOp })}
        data-testid="criteria-op"
      >
        {criteriaOps.map((o) => (
          <option key={o.op} value={o.op}>
            {o.label}
          </option>
        ))}
      </select>
      {opNeedsValue(rule.op) ? (
        <input
          aria-label={`Value of condition ${n}`}
          type={dateOp ? 'date' : 'text'}
          value={rule.value}
          placeholder={rule.op === 'in' ? 'India, Sri Lanka' : 'value'}
          onChange={(e) => onChange({ ...rule, value: e.target.value })}
          data-testid="criteria-value"
        />
      ) : null}
      <button
        type="button"
        className="secondary small"
        onClick={onRemove}
        aria-label={`Remove condition ${n}`}
      >
        Remove
      </button>
    </>
  );
}
