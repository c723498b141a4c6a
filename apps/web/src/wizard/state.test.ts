import { describe, expect, it } from 'vitest';
import type { Schedule } from '../api/types.ts';
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
  rereadNotice,
  retrievalDayToCheck,
  stateFromDraft,
  stepOfDraft,
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
    const at = (frequency: Schedule['frequency'], time: string, timeZone: string) => ({
      frequency,
      time,
      timeZone,
      weekday: null,
      dayOfMonth: null,
    });
    expect(describeSchedule(at('DAILY', '09:30', 'Asia/Kolkata'))).toBe('Daily at 09:30, Asia/Kolkata');
    expect(describeSchedule({ ...at('WEEKLY', '08:00', 'Europe/Berlin'), weekday: 1 })).toBe(
      'Weekly on Monday at 08:00, Europe/Berlin',
    );
    expect(describeSchedule({ ...at('MONTHLY', '07:15', 'UTC'), dayOfMonth: -1 })).toBe(
      'Monthly on the last day at 07:15, UTC',
    );
    expect(describeSchedule({ ...at('MONTHLY', '07:15', 'UTC'), dayOfMonth: 22 })).toBe(
      'Monthly on the 22nd at 07:15, UTC',
    );
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

  it('continues a saved draft at its step, sending its retrieval instant back while the day is unchanged', () => {
    const saved = {
      id: 's1',
      name: 'Zoho customers',
      status: 'DRAFT',
      importMode: 'ALL' as const,
      sourceOrganizationId: 'org',
      criteria: null,
      retrieveFrom: '2026-10-05T16:40:00.000Z',
      createdAt: '2026-11-04T16:40:00.000Z',
      setupStep: 2,
      connection: { id: 'c1' },
      mailingList: { id: 'l1' },
      fieldMapping: [{ source: 'email', target: 'email' }],
      schedule: {
        frequency: 'DAILY' as const,
        time: '09:00',
        timeZone: 'Asia/Kolkata',
        weekday: null,
        dayOfMonth: null,
      },
    };
    expect(stepOfDraft(saved)).toBe(2);
    const state = stateFromDraft(saved, 'UTC');
    expect(state.mapping.find((r) => r.target === 'email')?.source).toBe('email');
    expect(retrievalDayToCheck(state)).toBe('');
    expect(buildCreateSyncInput(state, 3)).toMatchObject({
      setupStep: 3,
      retrieveFrom: '2026-10-05T16:40:00.000Z',
      fieldMapping: [{ source: 'email', target: 'email' }],
    });
    const moved = { ...state, retrieveFrom: '2026-10-20' };
    expect(retrievalDayToCheck(moved)).toBe('2026-10-20');
    expect(buildCreateSyncInput(moved).retrieveFrom).not.toBe('2026-10-05T16:40:00.000Z');
  });

  it('saves the first step as a draft without a mapping when email is not mapped yet', () => {
    const state = { ...initialWizardState('UTC'), name: 'x', connectionId: 'c', sourceOrganizationId: 'o' };
    expect(buildCreateSyncInput(state, 1).fieldMapping).toEqual([]);
    expect(buildCreateSyncInput(state).fieldMapping).toEqual([]);
    expect(buildCreateSyncInput(state, 1).setupStep).toBe(1);
    expect('setupStep' in buildCreateSyncInput(state)).toBe(false);
  });

  it("measures the look-back from the sync's creation and says when the next run re-reads", () => {
    const schedule = initialWizardState('UTC').schedule;
    const now = new Date(2026, 11, 4, 12, 0);
    const created = new Date(2026, 10, 1, 12, 0);
    expect(validateSchedule(schedule, '2026-10-03', 30, ['UTC'], now, created).retrieveFrom).toBeUndefined();
    expect(validateSchedule(schedule, '2026-10-03', 30, ['UTC'], now).retrieveFrom).toMatch(/30 days/);
    expect(rereadNotice('the mapping', '2026-10-03T00:00:00Z', () => '3 Oct 2026')).toMatch(
      /^After a change of the mapping, the next run re-reads everything since 3 Oct 2026,/,
    );
    expect(rereadNotice('the mapping', null, () => '')).toMatch(/re-reads everything the source has,/);
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
