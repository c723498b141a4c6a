import type { SourceRecord } from '@leadsync/connector-sdk';
import { envelope } from './answers.ts';
import type { ZohoClient } from './client.ts';
import { type ContactPersonRow, contactPersonRowSchema, contactPersonsEnvelopeSchema } from './records.ts';
import { PAGE_SIZE } from './scan.ts';

/** Contact persons beyond a contact's primary one (`includeContactPersons`): one more record each. */

/** Further contact persons with an email, by contact id, from the organization-wide contact persons list. */
export async function loadContactPersons(client: ZohoClient, organizationId: string) {
  const byContact = new Map<string, ContactPersonRow[]>();
  let pages = 0;
  for (let page = 1; ; page++) {
    const body = envelope(
      contactPersonsEnvelopeSchema,
      await client.get('/contacts/contactpersons', organizationId, { page, per_page: PAGE_SIZE }),
      'GET /contacts/contactpersons',
    );
    pages++;
    for (const raw of body.contact_persons) {
      const parsed = contactPersonRowSchema.safeParse(raw);
      if (!parsed.success || parsed.data.is_primary_contact || !parsed.data.email.trim()) continue;
      const list = byContact.get(parsed.data.contact_id) ?? [];
      list.push(parsed.data);
      byContact.set(parsed.data.contact_id, list);
    }
    if (!body.page_context.has_more_page) return { byContact, pages };
  }
}

export function personRecord(contact: SourceRecord, person: ContactPersonRow): SourceRecord {
  return {
    sourceId: `${contact.sourceId}:${person.contact_person_id}`,
    modifiedAt: contact.modifiedAt,
    fields: {
      ...contact.fields,
      email: person.email,
      first_name: person.first_name,
      last_name: person.last_name,
      phone: person.phone,
      mobile: person.mobile,
    },
  };
}
