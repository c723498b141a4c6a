import type { FieldDescriptor, FieldType } from '@leadsync/connector-sdk';
import { z } from 'zod';
import { zohoTimeToMillis } from './zoho-time.ts';

const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? '' : String(v)));
const zohoTime = z
  .string()
  .refine((v) => zohoTimeToMillis(v) !== undefined, { message: 'not an ISO 8601 time' });

// Rows are read with z.object (unknown keys dropped, not copied): a list page is 200 rows of ~40 keys, and only
// these are used.
export const customFieldValueSchema = z.object({
  label: z.string().min(1),
  api_name: z.string().optional(),
  data_type: z.string().optional(),
  value: z.unknown(),
});

/** A row of `GET /contacts`: the primary contact person's names and email, custom fields, times; no addresses. */
export const contactRowSchema = z.object({
  contact_id: id,
  contact_name: text,
  company_name: text,
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  mobile: text,
  website: text,
  status: text,
  contact_type: text,
  created_time: zohoTime.nullish(),
  last_modified_time: zohoTime,
  custom_fields: z.array(customFieldValueSchema).nullish(),
});
export type ContactRow = z.infer<typeof contactRowSchema>;

export const listEnvelopeSchema = z.looseObject({
  code: z.literal(0),
  contacts: z.array(z.unknown()),
  page_context: z.looseObject({ has_more_page: z.boolean() }),
});

const addressSchema = z.looseObject({ country: text, state: text, city: text, zip: text }).nullish();

export const contactDetailSchema = z.looseObject({
  contact: z.looseObject({ contact_id: id, billing_address: addressSchema, shipping_address: addressSchema }),
});

export const contactPersonRowSchema = z.looseObject({
  contact_id: id,
  contact_person_id: id,
  first_name: text,
  last_name: text,
  email: text,
  phone: text,
  mobile: text,
  is_primary_contact: z.boolean().nullish(),
});
export type ContactPersonRow = z.infer<typeof contactPersonRowSchema>;

export const contactPersonsEnvelopeSchema = z.looseObject({
  code: z.literal(0),
  contact_persons: z.array(z.unknown()),
  page_context: z.looseObject({ has_more_page: z.boolean() }),
});

export const organizationsEnvelopeSchema = z.looseObject({
  organizations: z.array(
    z.looseObject({ organization_id: id, name: text, is_default_org: z.boolean().nullish() }),
  ),
});

export const usersEnvelopeSchema = z.looseObject({
  users: z.array(z.looseObject({ email: text, is_current_user: z.boolean().nullish() })),
});

export const customFieldDefinitionsSchema = z.looseObject({
  customfields: z.array(
    z.looseObject({
      label: z.string().min(1),
      api_name: z.string().optional(),
      data_type: z.string().optional(),
    }),
  ),
});

/** Standard source fields: `list` ones come with every page, `detail` ones need `GET /contacts/{id}`. */
export const STANDARD_FIELDS: FieldDescriptor[] = [
  { key: 'email', label: 'Email', type: 'email', availability: 'list', custom: false },
  { key: 'first_name', label: 'First Name', type: 'string', availability: 'list', custom: false },
  { key: 'last_name', label: 'Last Name', type: 'string', availability: 'list', custom: false },
  { key: 'contact_name', label: 'Contact Name', type: 'string', availability: 'list', custom: false },
  { key: 'company_name', label: 'Company Name', type: 'string', availability: 'list', custom: false },
  { key: 'phone', label: 'Phone', type: 'string', availability: 'list', custom: false },
  { key: 'mobile', label: 'Mobile', type: 'string', availability: 'list', custom: false },
  { key: 'website', label: 'Website', type: 'string', availability: 'list', custom: false },
  { key: 'status', label: 'Status', type: 'string', availability: 'list', custom: false },
  { key: 'contact_type', label: 'Contact Type', type: 'string', availability: 'list', custom: false },
  { key: 'created_time', label: 'Created Time', type: 'date', availability: 'list', custom: false },
  {
    key: 'last_modified_time',
    label: 'Last Modified Time',
    type: 'date',
    availability: 'list',
    custom: false,
  },
  {
    key: 'billing_address.country',
    label: 'Billing Country',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'billing_address.state',
    label: 'Billing State',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'billing_address.city',
    label: 'Billing City',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'billing_address.zip',
    label: 'Billing Zip Code',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
  {
    key: 'shipping_address.country',
    label: 'Shipping Country',
    type: 'string',
    availability: 'detail',
    custom: false,
  },
];

export const DETAIL_FIELD_KEYS: readonly string[] = STANDARD_FIELDS.filter(
  (f) => f.availability === 'detail',
).map((f) => f.key);

/** The source field key of a custom field: its `api_name` (`cf_industry`), else `cf_` + its label in snake case. */
export function customFieldKey(field: { label: string; api_name?: string | undefined }): string {
  if (field.api_name && /^cf_[a-z0-9_]+$/i.test(field.api_name)) return field.api_name;
  return labelApiName(field.label);
}

/** `cf_` + a custom field's label in snake case, as Zoho names a field it is given by label (the simulator too). */
export function labelApiName(label: string): string {
  const snake = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `cf_${snake || 'field'}`;
}

export function customFieldType(dataType: string | undefined): FieldType {
  switch (dataType) {
    case 'number':
    case 'decimal':
    case 'amount':
    case 'percent':
    case 'autonumber':
      return 'number';
    case 'date':
    case 'date_time':
      return 'date';
    case 'check_box':
      return 'boolean';
    case 'email':
      return 'email';
    default:
      return 'string';
  }
}
