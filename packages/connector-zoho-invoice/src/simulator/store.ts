import { labelApiName } from '../records.ts';
import { zohoTimeToMillis } from '../zoho-time.ts';
import { type GeneratorOptions, generateContacts } from './generator.ts';
import { type DailyQuotaOptions, OrganizationLimits, type RateLimitWindow } from './limits.ts';
import { listRowJson, RowSlabs, type RowSource, timeText } from './list-rows.ts';
import type {
  Address,
  AddressInput,
  ContactInput,
  ContactPerson,
  ContactPersonInput,
  CustomFieldDefinition,
  CustomFieldValue,
  SimulatorContact,
  SimulatorOrganization,
} from './types.ts';

/** The simulator's data: organizations and their contacts, custom field definitions and limits. */

const EMPTY = Buffer.alloc(0);

export interface StoredContact extends RowSource {
  /** The contact's `GET /contacts` row as UTF-8 JSON, written whenever the contact changes (`list-rows.ts`). */
  listRow: Buffer;
}

export interface OrgState {
  org: Required<SimulatorOrganization>;
  contacts: Map<string, StoredContact>;
  customFields: Map<string, CustomFieldDefinition>;
  /** The per-minute limit and the daily quota of the organization, across every client. */
  limits: OrganizationLimits;
  /** Bumped on every change; keys the sorted-list cache. */
  version: number;
  sorted?: { key: string; rows: StoredContact[] };
}

function emptyAddress(id: string, input: AddressInput = {}): Address {
  return {
    address_id: id,
    attention: input.attention ?? '',
    address: input.address ?? '',
    street2: input.street2 ?? '',
    city: input.city ?? '',
    state_code: '',
    state: input.state ?? '',
    zip: input.zip ?? '',
    country: input.country ?? '',
    county: '',
    country_code: '',
    phone: input.phone ?? '',
    fax: '',
    latitude: '',
    longitude: '',
  };
}

function dataTypeOf(value: string | number | boolean): CustomFieldDefinition['data_type'] {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'check_box';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'date';
  if (/^[^@\s]+@[^@\s]+$/.test(value)) return 'email';
  return 'string';
}

function timeOf(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  const parsed = zohoTimeToMillis(value);
  if (parsed === undefined) throw new Error(`Not a time: ${value}`);
  return parsed;
}

export class ContactStore {
  readonly orgs = new Map<string, OrgState>();
  private readonly slabs = new RowSlabs();
  private idCounter = 0;
  private lastIssuedMs = 0;

  constructor(
    organizations: readonly SimulatorOrganization[],
    rateLimit: RateLimitWindow | false,
    dailyQuota: DailyQuotaOptions,
    startedAt: number,
  ) {
    for (const org of organizations) {
      this.orgs.set(org.organization_id, {
        org: { time_zone: 'America/New_York', ...org },
        contacts: new Map(),
        customFields: new Map(),
        limits: new OrganizationLimits(org.time_zone ?? 'America/New_York', rateLimit, dailyQuota, startedAt),
        version: 0,
      });
    }
  }

  nextId(): string {
    return `46000000${String(++this.idCounter).padStart(10, '0')}`;
  }

  /** Modification times never go backwards, even when the wall clock has not moved on. */
  private nowMs(): number {
    this.lastIssuedMs = Math.max(Date.now(), this.lastIssuedMs);
    return this.lastIssuedMs;
  }

  get(organizationId: string): OrgState {
    const state = this.orgs.get(organizationId);
    if (!state) throw new Error(`The simulator has no organization ${organizationId}`);
    return state;
  }

  /** `perOrganization` generated contacts in each organization, seeded. */
  seed(seed: number, perOrganization: number, generator?: GeneratorOptions): void {
    let index = 0;
    for (const state of this.orgs.values()) {
      if (perOrganization > 0)
        this.store(
          state.org.organization_id,
          generateContacts(seed * 7919 + index, perOrganization, generator),
        );
      index++;
    }
  }

  add(organizationId: string, inputs: ContactInput[]): SimulatorContact[] {
    const state = this.get(organizationId);
    return this.store(organizationId, inputs).map((stored) => this.render(state, stored));
  }

  private store(organizationId: string, inputs: ContactInput[]): StoredContact[] {
    const state = this.get(organizationId);
    return inputs.map((input) => {
      const id = input.contact_id ?? this.nextId();
      if (state.contacts.has(id)) throw new Error(`Contact ${id} already exists`);
      const now = this.nowMs();
      const stored: StoredContact = {
        contact: {
          contact_id: id,
          contact_name: '',
          company_name: '',
          first_name: '',
          last_name: '',
          email: '',
          phone: '',
          mobile: '',
          website: '',
          status: 'active',
          contact_type: 'customer',
          customer_sub_type: input.company_name ? 'business' : 'individual',
          billing_address: emptyAddress(this.nextId()),
          shipping_address: emptyAddress(this.nextId()),
          contact_persons: [],
          primary_contact_id: '',
        },
        customValues: new Map(),
        createdMs: timeOf(input.created_time, now),
        modifiedMs: timeOf(input.last_modified_time, now),
        listRow: EMPTY,
      };
      this.apply(state, stored, input);
      const c = stored.contact;
      if (!c.contact_name)
        c.contact_name = c.company_name || `${c.first_name} ${c.last_name}`.trim() || c.email || id;
      stored.listRow = this.rowOf(state, stored);
      state.contacts.set(id, stored);
      state.version++;
      return stored;
    });
  }

  update(organizationId: string, contactId: string, patch: ContactInput): SimulatorContact {
    const state = this.get(organizationId);
    const stored = state.contacts.get(contactId);
    if (!stored) throw new Error(`The simulator has no contact ${contactId} in ${organizationId}`);
    this.apply(state, stored, patch);
    state.version++;
    stored.modifiedMs = patch.last_modified_time ? timeOf(patch.last_modified_time, 0) : this.nowMs();
    stored.listRow = this.rowOf(state, stored);
    return this.render(state, stored);
  }

  delete(organizationId: string, contactId: string): void {
    const state = this.get(organizationId);
    if (state.contacts.delete(contactId)) state.version++;
  }

  /** Every contact of the organization, as the API shows it (copies). */
  contacts(organizationId: string): SimulatorContact[] {
    const state = this.get(organizationId);
    return [...state.contacts.values()].map((s) => this.render(state, s));
  }

  /** The contact as the API shows it; shares objects with the store, so copy before handing it out. */
  view(state: OrgState, stored: StoredContact): SimulatorContact {
    const custom_fields: CustomFieldValue[] = [];
    for (const [label, value] of stored.customValues) {
      const def = state.customFields.get(label);
      if (!def) continue;
      custom_fields.push({
        ...def,
        value,
        value_formatted: String(value),
        placeholder: def.api_name,
        search_entity: 'contact',
        show_on_pdf: false,
        show_in_portal: false,
      });
    }
    return {
      ...stored.contact,
      custom_fields,
      created_time: timeText(state.org.time_zone, stored.createdMs).iso,
      last_modified_time: timeText(state.org.time_zone, stored.modifiedMs).iso,
    };
  }

  private render(state: OrgState, stored: StoredContact): SimulatorContact {
    return structuredClone(this.view(state, stored));
  }

  private rowOf(state: OrgState, stored: StoredContact): Buffer {
    return this.slabs.bytes(listRowJson(state.org.time_zone, state.customFields, stored));
  }

  private defineCustomField(state: OrgState, label: string, value: string | number | boolean) {
    let def = state.customFields.get(label);
    if (!def) {
      const id = this.nextId();
      def = {
        customfield_id: id,
        field_id: id,
        label,
        api_name: labelApiName(label),
        data_type: dataTypeOf(value),
        index: state.customFields.size + 1,
        is_active: true,
      };
      state.customFields.set(label, def);
    }
    return def;
  }

  private person(input: ContactPersonInput, primary: boolean): ContactPerson {
    return {
      contact_person_id: input.contact_person_id ?? this.nextId(),
      salutation: input.salutation ?? '',
      first_name: input.first_name ?? '',
      last_name: input.last_name ?? '',
      email: input.email ?? '',
      phone: input.phone ?? '',
      mobile: input.mobile ?? '',
      designation: input.designation ?? '',
      department: input.department ?? '',
      is_primary_contact: primary,
    };
  }

  /** Writes `input` onto the stored contact; its primary contact person follows the contact's own fields. */
  private apply(state: OrgState, stored: StoredContact, input: ContactInput): void {
    const c = stored.contact;
    for (const key of [
      'company_name',
      'first_name',
      'last_name',
      'email',
      'phone',
      'mobile',
      'website',
    ] as const) {
      const value = input[key];
      if (value !== undefined) c[key] = value;
    }
    if (input.status) c.status = input.status;
    if (input.contact_type) c.contact_type = input.contact_type;
    if (input.customer_sub_type) c.customer_sub_type = input.customer_sub_type;
    if (input.contact_name !== undefined) c.contact_name = input.contact_name;
    if (input.billing_address) c.billing_address = { ...c.billing_address, ...input.billing_address };
    if (input.shipping_address) c.shipping_address = { ...c.shipping_address, ...input.shipping_address };
    for (const field of input.custom_fields ?? []) {
      this.defineCustomField(state, field.label, field.value);
      stored.customValues.set(field.label, field.value);
    }
    const primary = this.person(
      {
        contact_person_id: c.primary_contact_id || undefined,
        first_name: c.first_name,
        last_name: c.last_name,
        email: c.email,
        phone: c.phone,
        mobile: c.mobile,
      },
      true,
    );
    c.primary_contact_id = primary.contact_person_id;
    const extras = input.contact_persons
      ? input.contact_persons.map((p) => this.person(p, false))
      : c.contact_persons.filter((p) => !p.is_primary_contact);
    c.contact_persons = [primary, ...extras];
  }
}
