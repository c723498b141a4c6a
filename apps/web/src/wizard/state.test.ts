import { describe, expect, it } from 'vitest';
import { describeInitiation, describeSchedule, earliestRetrievalDate } from '../lib/format.ts';
import {
  buildCreateSyncInput,
  criteriaToDraft,
  draftToCriteria,
  errorKeyOfField,
  initialWizardState,
  type MappingRow,
  newGroup,
  newRule,
  premap,
  stepOfField,
  validateCriteria,
  validateMapping,
  validateSchedule,
} from './state.ts';

describe('wizard rules', () => {
  it('pre-maps email, first and last name from the source field names', () => {
    const rows = premap(initialWizardState('UTC').mapping, [
      { key: 'company_name', label: 'Company', type: 'string' },
      { key: 'last_name', label: 'Last Name', type: 'string' },
      { key: 'email', label: 'Email', type: 'string' },
      { key: 'first_name', label: 'First Name', type: 'string' },
    ]);
    expect(rows.map((r) => [r.target, r.source])).toEqual([
      ['email', 'email'],
      ['firstName', 'first_name'],
      ['lastName', 'last_name'],
    ]);
  });

  it('refuses a mapping without email and names custom fields properly', () => {
    const rows: MappingRow[] = [
      { id: 'a', target: 'email', source: '', fixed: true },
      { id: 'b', target: 'fields.1st', source: 'x', fixed: false },
      { id: 'c', target: 'fields.company', source: 'company_name', fixed: false },
      { id: 'd', target: 'fields.company', source: 'other', fixed: false },
    ];
    const errors = validateMapping(rows);
    expect(errors['mapping.email']).toMatch(/Email/);
    expect(errors['mapping.b']).toMatch(/letters/);
    expect(errors['mapping.c']).toBeUndefined();
    expect(errors['mapping.d']).toMatch(/twice/);
  });

  it('turns nested criteria drafts into the JSON of the contract and back', () => {
    const group = newGroup('all', false);
    group.rules = [
      { ...newRule('billing_address.country'), op: 'in', value: 'India, Sri Lanka ,' },
      { ...newGroup('any', false), rules: [{ ...newRule('email'), op: 'is_not_empty', value: 'ignored' }] },
    ];
    const json = draftToCriteria(group);
    expect(json).toEqual({
      match: 'all',
      rules: [
        { field: 'billing_address.country', op: 'in', value: ['India', 'Sri Lanka'] },
        { match: 'any', rules: [{ field: 'email', op: 'is_not_empty' }] },
      ],
    });
    expect(draftToCriteria(criteriaToDraft(json))).toEqual(json);
  });

  it('asks for a field and a value in every condition', () => {
    expect(validateCriteria(newGroup('all', false))).toMatch(/at least one/);
    expect(validateCriteria({ ...newGroup(), rules: [newRule()] })).toMatch(/field/);
    expect(validateCriteria({ ...newGroup(), rules: [newRule('country')] })).toMatch(/value/);
    expect(
      validateCriteria({ ...newGroup(), rules: [{ ...newRule('country'), op: 'is_empty' }] }),
    ).toBeNull();
  });

  it("limits the retrieval date to the connector's look-back", () => {
    const now = new Date(2026, 10, 25, 15, 0);
    expect(earliestRetrievalDate(30, now)).toBe('2026-10-27');
    const schedule = initialWizardState('UTC').schedule;
    expect(validateSchedule(schedule, '2026-10-26', 30, ['UTC'], now).retrieveFrom).toMatch(/30 days/);
    expect(validateSchedule(schedule, '2026-10-27', 30, ['UTC'], now).retrieveFrom).toBeUndefined();
    expect(validateSchedule(schedule, '2026-11-26', 30, ['UTC'], now).retrieveFrom).toMatch(/future/);
    expect(validateSchedule(schedule, '2020-01-01', null, ['UTC'], now).retrieveFrom).toBeUndefined();
    expect(
      validateSchedule({ ...schedule, time: '25:00' }, '', null, ['UTC'], now)['schedule.time'],
    ).toBeTruthy();
    expect(
      validateSchedule({ ...schedule, timeZone: 'Mars/Olympus' }, '', null, ['UTC'], now)[
        'schedule.timeZone'
      ],
    ).toBeTruthy();
  });

  it('describes schedules in words', () => {
    expect(
      describeSchedule({
        frequency: 'DAILY',
        time: '09:30',
        timeZone: 'Asia/Kolkata',
        weekday: null,
        dayOfMonth: null,
      }),
    ).toBe('Daily at 09:30, Asia/Kolkata');
    expect(
      describeSchedule({
        frequency: 'WEEKLY',
        time: '08:00',
        timeZone: 'Europe/Berlin',
        weekday: 1,
        dayOfMonth: null,
      }),
    ).toBe('Weekly on Monday at 08:00, Europe/Berlin');
    expect(
      describeSchedule({
        frequency: 'MONTHLY',
        time: '07:15',
        timeZone: 'UTC',
        weekday: null,
        dayOfMonth: -1,
      }),
    ).toBe('Monthly on the last day at 07:15, UTC');
    expect(
      describeSchedule({
        frequency: 'MONTHLY',
        time: '07:15',
        timeZone: 'UTC',
        weekday: null,
        dayOfMonth: 22,
      }),
    ).toBe('Monthly on the 22nd at 07:15, UTC');
  });

  it('says that initiating imports now, then follows the schedule; a ONCE sync may leave the time empty', () => {
    const daily = {
      frequency: 'DAILY',
      time: '09:00',
      timeZone: 'Asia/Kolkata',
      weekday: null,
      dayOfMonth: null,
    };
    expect(describeInitiation({ ...daily, frequency: 'DAILY' })).toBe(
      'The first import starts now; then daily at 09:00 Asia/Kolkata.',
    );
    expect(describeInitiation({ ...daily, frequency: 'WEEKLY', weekday: 1 })).toBe(
      'The first import starts now; then weekly on Monday at 09:00 Asia/Kolkata.',
    );
    expect(describeInitiation({ ...daily, frequency: 'ONCE', time: null })).toBe(
      'The import starts now, once.',
    );
    expect(describeInitiation({ ...daily, frequency: 'ONCE' })).toMatch(
      /once, at the next 09:00 Asia\/Kolkata/,
    );
    const once = { frequency: 'ONCE' as const, time: '', timeZone: 'UTC', weekday: 1, dayOfMonth: 1 };
    expect(validateSchedule(once, '', null, ['UTC'])['schedule.time']).toBeUndefined();
    expect(validateSchedule({ ...once, frequency: 'DAILY' }, '', null, ['UTC'])['schedule.time']).toMatch(
      /time of day/,
    );
  });

  it('sends only the schedule fields that belong to the frequency', () => {
    const state = initialWizardState('Asia/Kolkata');
    state.schedule = {
      frequency: 'DAILY',
      time: '09:30',
      timeZone: 'Asia/Kolkata',
      weekday: 3,
      dayOfMonth: 5,
    };
    expect(buildCreateSyncInput(state).schedule).toEqual({
      frequency: 'DAILY',
      time: '09:30',
      timeZone: 'Asia/Kolkata',
      weekday: null,
      dayOfMonth: null,
    });
    expect(buildCreateSyncInput(state).criteria).toBeNull();
  });

  it("puts the API's field errors on the right step", () => {
    expect(stepOfField('retrieveFrom')).toBe(2);
    expect(stepOfField('schedule.timeZone')).toBe(2);
    expect(errorKeyOfField('schedule.timeZone')).toBe('schedule.timeZone');
    expect(stepOfField('fieldMapping.0.target')).toBe(1);
    expect(errorKeyOfField('fieldMapping.0.target')).toBe('fieldMapping');
    expect(stepOfField('mailingListId')).toBe(0);
    expect(stepOfField(null)).toBe(3);
  });
});
