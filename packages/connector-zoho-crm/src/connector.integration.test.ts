import { InvalidConfigurationError, MissingPermissionError } from '@leadsync/connector-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleUnavailableError } from './client.ts';
import { createZohoCrmConnector } from './connector.ts';
import { startZohoCrmSimulator } from './simulator/index.ts';
import type { ZohoCrmSimulator } from './simulator/types.ts';
import { contextFor, FAST, idsOf, readAll } from './test-helpers.ts';

// Each test names the README fact it relies on: [R3] etc. Documented facts are Zoho's; ASSUMED ones are marked there.
const connector = createZohoCrmConnector(FAST);
let sim: ZohoCrmSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('reading records', () => {
  it('reads 2,500 leads exactly once each, past the 2,000 of page numbers through page tokens [R3]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 2_500, Contacts: 0 } });
    const pages = await readAll(connector, contextFor(sim), { organizationId: 'Leads', fields: ['Email'] });
    const ids = idsOf(pages);
    expect(ids).toHaveLength(2_500);
    expect(new Set(ids)).toEqual(new Set(sim.records('Leads').map((r) => r.id)));
    const lists = sim.requests().filter((r) => r.path === '/Leads');
    expect(lists).toHaveLength(13);
    expect(lists.slice(1).every((r) => r.query.page_token)).toBe(true);
    expect(lists[0]?.query).toMatchObject({ sort_by: 'Modified_Time', sort_order: 'asc', per_page: '200' });
  });

  it('without page tokens, walks the 10 numbered pages and goes on from the newest time delivered [R3]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 2_300, Contacts: 0 }, pageTokens: false });
    const ids = idsOf(
      await readAll(connector, contextFor(sim), { organizationId: 'Leads', fields: ['Email'] }),
    );
    expect(ids).toHaveLength(2_300);
    expect(new Set(ids).size).toBe(2_300);
    const lists = sim.requests().filter((r) => r.path === '/Leads');
    expect(lists.some((r) => r.query.page === '10')).toBe(true);
    expect(lists.some((r) => r.query.page === '11')).toBe(false);
    expect(lists.at(-1)?.ifModifiedSince).toBeDefined();
  });

  it('past the records one chain of page tokens may walk, starts a new chain from the newest time [R3]', async () => {
    sim = await startZohoCrmSimulator({
      recordsPerModule: { Leads: 1_000, Contacts: 0 },
      maxTokenRecords: 300,
    });
    const ids = idsOf(
      await readAll(connector, contextFor(sim), { organizationId: 'Leads', fields: ['Email'] }),
    );
    expect(ids).toHaveLength(1_000);
    expect(new Set(ids).size).toBe(1_000);
    expect(sim.requests().some((r) => r.status === 400)).toBe(true);
  });

  it('resumes from a checkpoint whose page token expired, without losing or repeating a record [R3]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 600, Contacts: 0 } });
    const ctx = contextFor(sim);
    const all = await readAll(connector, ctx, { organizationId: 'Leads', fields: ['Email'], pageSize: 100 });
    const checkpoint = all[2]?.checkpoint;
    expect(checkpoint?.pageToken).toBeTypeOf('string');
    sim.injectFault({ type: 'expirePageTokens' });
    const rest = await readAll(connector, ctx, {
      organizationId: 'Leads',
      fields: ['Email'],
      pageSize: 100,
      checkpoint,
    });
    expect(idsOf(rest)).toEqual(idsOf(all.slice(3)));
    expect(sim.requests().some((r) => r.status === 400)).toBe(true);
  });

  it('reads only records modified at or after since, asking with If-Modified-Since [R5]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 300, Contacts: 0 } });
    const records = sim.records('Leads');
    const since = new Date(Date.parse(records[200]?.Modified_Time as string));
    const ids = idsOf(
      await readAll(connector, contextFor(sim), { organizationId: 'Leads', fields: ['Email'], since }),
    );
    expect(ids).toEqual(records.slice(200).map((r) => r.id));
    expect(sim.requests().find((r) => r.path === '/Leads')?.ifModifiedSince).toMatch(/\+00:00$/);
  });

  it('delivers none twice and loses none when records change or go during the read; later changes wait for the next run', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 500, Contacts: 0 } });
    const ctx = contextFor(sim);
    const records = sim.records('Leads');
    const seen: string[] = [];
    let page = 0;
    const started = new Date();
    for await (const p of connector.read(ctx, {
      organizationId: 'Leads',
      fields: ['Email'],
      pageSize: 100,
    })) {
      seen.push(...p.records.map((r) => r.sourceId));
      if (++page === 2) {
        sim.updateRecord('Leads', records[10]?.id as string, { Email: 'moved@zylker.com' }); // already read
        sim.updateRecord('Leads', records[450]?.id as string, { Email: 'later@zylker.com' }); // not read yet
        sim.deleteRecord('Leads', records[300]?.id as string);
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    const expected = records
      .map((r) => r.id)
      .filter((id) => id !== records[300]?.id && id !== records[450]?.id);
    expect(new Set(seen)).toEqual(new Set(expected));
    // Zoho's times are whole seconds: the next run reads what changed once the second of the changes is over.
    await new Promise((r) => setTimeout(r, 1_100));
    const next = idsOf(
      await readAll(connector, ctx, { organizationId: 'Leads', fields: ['Email'], since: started }),
    );
    expect(next.sort()).toEqual([records[10]?.id, records[450]?.id].sort());
  });
});

describe('fields and values', () => {
  it('describes the module fields by label with API names as keys, custom ones marked [F1, F2]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: 0 });
    const fields = await connector.fields(contextFor(sim), 'Leads');
    const byKey = new Map(fields.map((f) => [f.key, f]));
    expect(byKey.get('Email')).toMatchObject({ label: 'Email', type: 'email', custom: false });
    expect(byKey.get('Lead_Source')).toMatchObject({ label: 'Lead Source', type: 'string' });
    expect(byKey.get('Interests')).toMatchObject({ label: 'Interests', custom: true });
    expect(byKey.get('No_of_Employees')?.type).toBe('number');
    expect(byKey.has('Record_Image')).toBe(false);
    const contacts = await connector.fields(contextFor(sim), 'Contacts');
    expect(contacts.find((f) => f.key === 'Account_Name')?.label).toBe('Account Name');
  });

  it('gives picklists and multi-select values as text and lookups by their display name [R4]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: 0 });
    const Modified_Time = '2026-06-09T13:15:06+05:30';
    const [lead] = sim.addRecords('Leads', [
      {
        Modified_Time,
        Email: 'a@zylker.com',
        Lead_Source: 'Trade Show',
        Interests: ['Webinars', 'Events'],
        Owner: { name: 'Ravi Menon', id: '42' },
      },
    ]);
    sim.addRecords('Contacts', [
      {
        Modified_Time,
        Email: 'b@zylker.com',
        Account_Name: { name: 'Zylker Corp', id: '7' },
        Newsletter_Topics: [],
      },
    ]);
    const ctx = contextFor(sim);
    const fields = ['Email', 'Lead_Source', 'Interests', 'Owner', 'Trade_Show_Name'];
    const [leadRecord] =
      (await readAll(connector, ctx, { organizationId: 'Leads', fields }))[0]?.records ?? [];
    expect(leadRecord).toMatchObject({
      sourceId: lead?.id,
      fields: {
        Email: 'a@zylker.com',
        Lead_Source: 'Trade Show',
        Interests: 'Webinars; Events',
        Owner: 'Ravi Menon',
        Trade_Show_Name: '',
      },
    });
    const contactPages = await readAll(connector, ctx, {
      organizationId: 'Contacts',
      fields: ['Account_Name', 'Newsletter_Topics'],
    });
    expect(contactPages[0]?.records[0]?.fields).toMatchObject({
      Account_Name: 'Zylker Corp',
      Newsletter_Topics: '',
    });
  });

  it('a read without named fields asks for the module fields, at most 50 [R2]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 3, Contacts: 0 } });
    for (let i = 0; i < 60; i++)
      sim.addField('Leads', {
        api_name: `Custom_${i}`,
        field_label: `Custom ${i}`,
        data_type: 'text',
        custom_field: true,
      });
    const pages = await readAll(connector, contextFor(sim), { organizationId: 'Leads' });
    expect(pages[0]?.records).toHaveLength(3);
    const asked =
      sim
        .requests()
        .find((r) => r.path === '/Leads')
        ?.query.fields?.split(',') ?? [];
    expect(asked).toHaveLength(50);
    expect(asked.slice(0, 4)).toEqual(['Modified_Time', 'Email', 'First_Name', 'Last_Name']);
  });
});

describe('record limits', () => {
  it('a sync that names more fields than Zoho gives in one request is refused, saying how many [R2]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 1, Contacts: 0 } });
    const fields = Array.from({ length: 50 }, (_, i) => `Custom_${i}`);
    const error = await readAll(connector, contextFor(sim), { organizationId: 'Leads', fields }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    expect(error.field).toBe('fieldMapping');
    expect(error.userMessage).toMatch(/at most 49 fields/);
    expect(sim.requests().filter((r) => r.path === '/Leads')).toHaveLength(0);
  });
});

describe('deletions', () => {
  it('a lead converted into a contact is still read and listed, not taken for deleted [R7]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 5, Contacts: 0 } });
    const converted = sim.records('Leads')[2]?.id as string;
    sim.updateRecord('Leads', converted, { $converted: true, Modified_Time: '2026-06-09T13:15:06+05:30' });
    const ids = idsOf(
      await readAll(connector, contextFor(sim), { organizationId: 'Leads', fields: ['Email'] }),
    );
    expect(ids).toContain(converted);
    const listed: string[] = [];
    for await (const chunk of connector.listIds?.(contextFor(sim), { organizationId: 'Leads' }) ?? [])
      listed.push(...chunk);
    expect(listed).toHaveLength(5);
    expect(
      sim
        .requests()
        .filter((r) => r.path === '/Leads')
        .every((r) => r.query.converted === 'both'),
    ).toBe(true);
  });

  it('lists every id once, and a deleted record is missing from the listing', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 450, Contacts: 0 } });
    const gone = sim.records('Leads')[7]?.id as string;
    sim.deleteRecord('Leads', gone);
    const ids: string[] = [];
    for await (const chunk of connector.listIds?.(contextFor(sim), { organizationId: 'Leads' }) ?? [])
      ids.push(...chunk);
    expect(ids).toHaveLength(449);
    expect(ids).not.toContain(gone);
  });

  it('gives the ids deleted since a time from the deleted-records feed, recycled and permanent [D1]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 10, Contacts: 0 } });
    const [a, b, c] = sim.records('Leads');
    sim.deleteRecord('Leads', a?.id as string);
    await new Promise((r) => setTimeout(r, 1_100));
    const since = new Date();
    sim.deleteRecord('Leads', b?.id as string, 'recycle');
    sim.deleteRecord('Leads', c?.id as string, 'permanent');
    const ids: string[] = [];
    for await (const chunk of connector.listDeletedIds(contextFor(sim), { organizationId: 'Leads', since }))
      ids.push(...chunk);
    expect(ids.sort()).toEqual([b?.id, c?.id].sort());
    expect(sim.requests().find((r) => r.path === '/Leads/deleted')?.query.type).toBe('all');
  });
});

describe('account and errors a person can act on', () => {
  it('check() gives the current user email, and follows a change of it [U1]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: 0 });
    expect(await connector.check(contextFor(sim))).toEqual({ primaryEmail: 'patricia.boyle@zylker.com' });
    sim.setPrimaryEmail('new.owner@zylker.com');
    expect(await connector.primaryEmail?.(contextFor(sim), 'Leads')).toBe('new.owner@zylker.com');
    expect(sim.requests().find((r) => r.path === '/users')?.query.type).toBe('CurrentUser');
  });

  it('a key without a scope is a missing permission naming the scopes [E2]', async () => {
    sim = await startZohoCrmSimulator({
      recordsPerModule: 1,
      scopes: ['ZohoCRM.modules.leads.READ', 'ZohoCRM.users.READ'],
    });
    const error = await readAll(connector, contextFor(sim), {
      organizationId: 'Contacts',
      fields: ['Email'],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(MissingPermissionError);
    expect(error.userMessage).toContain('ZohoCRM.modules.contacts.READ');
    await expect(connector.fields(contextFor(sim), 'Leads')).rejects.toBeInstanceOf(MissingPermissionError);
  });

  it('a module the account does not have is a configuration error naming the module choice [E3]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: 1, disabledModules: ['Leads'] });
    const error = await readAll(connector, contextFor(sim), {
      organizationId: 'Leads',
      fields: ['Email'],
    }).catch((e) => e);
    expect(error).toBeInstanceOf(ModuleUnavailableError);
    expect(error.field).toBe('organizationId');
    expect(error.userMessage).toMatch(/not available/);
  });

  it('refuses a source organization that is not a module it reads, before any request', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: 0 });
    await expect(readAll(connector, contextFor(sim), { organizationId: 'Deals' })).rejects.toBeInstanceOf(
      InvalidConfigurationError,
    );
    expect(sim.requests().filter((r) => r.path.startsWith('/Deals'))).toHaveLength(0);
  });

  it('lists the two modules as source organizations', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: 0 });
    expect(await connector.listOrganizations(contextFor(sim))).toEqual([
      { id: 'Leads', name: 'Leads' },
      { id: 'Contacts', name: 'Contacts' },
    ]);
  });

  it('estimates from the record count in one request, or from the last run in none [R6]', async () => {
    sim = await startZohoCrmSimulator({ recordsPerModule: { Leads: 450, Contacts: 0 } });
    const first = await connector.estimateCost?.(contextFor(sim), {
      organizationId: 'Leads',
      fields: ['Email'],
    });
    expect(first).toMatchObject({ records: 450, listRequests: 3, accuracy: 'about' });
    const before = sim.requests().length;
    const later = await connector.estimateCost?.(contextFor(sim), {
      organizationId: 'Leads',
      fields: ['Email'],
      lastRun: { records: 10, full: false },
    });
    // The listing 1 page, and the deleted-records feed (read on every run that does not list every id) 1.
    expect(later).toMatchObject({ records: 10, listRequests: 1, requests: 2, deletionRequests: 0 });
    expect(sim.requests().length).toBe(before);
    const listing = await connector.estimateCost?.(contextFor(sim), {
      organizationId: 'Leads',
      fields: ['Email'],
      lastRun: { records: 10, full: false },
      deletionListing: true,
      trackedRecords: 450,
    });
    expect(listing).toMatchObject({ listRequests: 1, deletionRequests: 3, requests: 4 });
  });
});
