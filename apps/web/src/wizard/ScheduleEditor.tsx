import { Field } from '../components/ui.tsx';
import {
  earliestRetrievalDate,
  frequencyLabels,
  isoDate,
  lastDayOfMonth,
  weekdayName,
} from '../lib/format.ts';
import type { Errors, ScheduleDraft } from './state.ts';

interface Props {
  schedule: ScheduleDraft;
  retrieveFrom: string;
  maxLookbackDays: number | null;
  zones: string[];
  errors: Errors;
  onChange: (schedule: ScheduleDraft) => void;
  onRetrieveFromChange: (day: string) => void;
  /** The sync has run before: later runs are incremental, the date only matters for the first. */
  hasRun?: boolean;
  /** What the look-back is measured from: the sync's creation (default: now, for a sync not yet created). */
  windowStart?: Date;
}

const frequencies = ['ONCE', 'DAILY', 'WEEKLY', 'MONTHLY'] as const;

export function ScheduleEditor({
  schedule,
  retrieveFrom,
  maxLookbackDays,
  zones,
  errors,
  onChange,
  onRetrieveFromChange,
  hasRun,
  windowStart,
}: Props) {
  const min = maxLookbackDays === null ? undefined : earliestRetrievalDate(maxLookbackDays, windowStart);
  const today = isoDate(new Date());
  return (
    <div className="schedule-editor">
      <fieldset className="radios" data-testid="frequency">
        <legend>How often</legend>
        {frequencies.map((f) => (
          <label key={f}>
            <input
              type="radio"
              name="frequency"
              value={f}
              checked={schedule.frequency === f}
              onChange={() => onChange({ ...schedule, frequency: f })}
              data-testid={`frequency-${f}`}
            />{' '}
            {frequencyLabels[f]}
          </label>
        ))}
      </fieldset>
      {schedule.frequency === 'WEEKLY' ? (
        <Field label="Day of the week" error={errors['schedule.weekday']}>
          {(p) => (
            <select
              {...p}
              value={schedule.weekday}
              onChange={(e) => onChange({ ...schedule, weekday: Number(e.target.value) })}
              data-testid="schedule-weekday"
            >
              {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                <option key={d} value={d}>
                  {weekdayName(d)}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {schedule.frequency === 'MONTHLY' ? (
        <Field label="Day of the month" error={errors['schedule.dayOfMonth']}>
          {(p) => (
            <select
              {...p}
              value={schedule.dayOfMonth}
              onChange={(e) => onChange({ ...schedule, dayOfMonth: Number(e.target.value) })}
              data-testid="schedule-day-of-month"
            >
              {Array.from({ length: 31 }, (_, i) => i + 1).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
              <option value={lastDayOfMonth}>Last day of the month</option>
            </select>
          )}
        </Field>
      ) : null}
      <div className="row wrap">
        <Field
          label="Time"
          error={errors['schedule.time']}
          hint={
            schedule.frequency === 'ONCE'
              ? 'Leave empty to run once as soon as the sync is initiated.'
              : undefined
          }
        >
          {(p) => (
            <input
              {...p}
              type="time"
              value={schedule.time}
              onChange={(e) => onChange({ ...schedule, time: e.target.value })}
              data-testid="schedule-time"
            />
          )}
        </Field>
        <Field label="Time zone" error={errors['schedule.timeZone']}>
          {(p) => (
            <select
              {...p}
              value={schedule.timeZone}
              onChange={(e) => onChange({ ...schedule, timeZone: e.target.value })}
              data-testid="schedule-timezone"
            >
              {zones.includes(schedule.timeZone) ? null : (
                <option value={schedule.timeZone}>{schedule.timeZone}</option>
              )}
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {errors.schedule ? (
        <p className="field-error" role="alert">
          {errors.schedule}
        </p>
      ) : null}
      <Field
        label="Data to be retrieved: records created or changed since"
        error={errors.retrieveFrom}
        hint={
          <>
            {hasRun
              ? 'Used by the first run and by the run after a change; other runs continue from where the last one stopped. '
              : 'The first run reads records created or changed since this day; later runs read only what changed. '}
            {maxLookbackDays !== null
              ? `This source allows at most ${maxLookbackDays} days back (from ${min}, the earliest and the default). `
              : 'Leave empty to read everything. '}
          </>
        }
      >
        {(p) => (
          <input
            {...p}
            type="date"
            min={min}
            max={today}
            value={retrieveFrom}
            onChange={(e) => onRetrieveFromChange(e.target.value)}
            data-testid="retrieve-from"
          />
        )}
      </Field>
    </div>
  );
}
