import type { CrmModuleName, FieldDefinition } from './types.ts';

/** Lead sources of a new Zoho CRM account (the standard picklist; README, S1). */
export const LEAD_SOURCES = [
  'Advertisement',
  'Cold Call',
  'Employee Referral',
  'External Referral',
  'Online Store',
  'Partner',
  'Public Relations',
  'Sales Email Alias',
  'Seminar Partner',
  'Internal Seminar',
  'Trade Show',
  'Web Download',
  'Web Research',
  'Chat',
];
const LEAD_STATUSES = [
  'Attempted to Contact',
  'Contact in Future',
  'Contacted',
  'Junk Lead',
  'Not Contacted',
];
const INDUSTRIES = [
  'ASP',
  'Data/Telecom OEM',
  'ERP',
  'Government/Military',
  'Large Enterprise',
  'Non-management ISV',
];
export const INTERESTS = ['Webinars', 'Newsletter', 'Product updates', 'Events', 'Case studies'];
export const TIERS = ['Gold', 'Silver', 'Bronze'];

const f = (
  api_name: string,
  field_label: string,
  data_type: string,
  extra: Partial<FieldDefinition> = {},
): FieldDefinition => ({ api_name, field_label, data_type, ...extra });

/**
 * The fields of the two modules in a new account, with a few custom fields (README, S1: names and types from Zoho's
 * field metadata example and the Leads sample record; the custom ones are the simulator's own).
 */
export function defaultFields(module: CrmModuleName): FieldDefinition[] {
  const common = [
    f('Owner', module === 'Leads' ? 'Lead Owner' : 'Contact Owner', 'ownerlookup'),
    f('First_Name', 'First Name', 'text'),
    f('Last_Name', 'Last Name', 'text'),
    f('Full_Name', module === 'Leads' ? 'Lead Name' : 'Contact Name', 'text'),
    f('Email', 'Email', 'email'),
    f('Phone', 'Phone', 'phone'),
    f('Mobile', 'Mobile', 'phone'),
    f('Lead_Source', 'Lead Source', 'picklist', { values: LEAD_SOURCES }),
    f('Email_Opt_Out', 'Email Opt Out', 'boolean'),
    f('Created_Time', 'Created Time', 'datetime'),
    f('Modified_Time', 'Modified Time', 'datetime'),
  ];
  if (module === 'Leads') {
    return [
      ...common,
      f('Company', 'Company', 'text'),
      f('Designation', 'Title', 'text'),
      f('Website', 'Website', 'website'),
      f('Lead_Status', 'Lead Status', 'picklist', { values: LEAD_STATUSES }),
      f('Industry', 'Industry', 'picklist', { values: INDUSTRIES }),
      f('No_of_Employees', 'No. of Employees', 'integer'),
      f('Annual_Revenue', 'Annual Revenue', 'currency'),
      f('Country', 'Country', 'text'),
      f('City', 'City', 'text'),
      f('Interests', 'Interests', 'multiselectpicklist', { custom_field: true, values: INTERESTS }),
      f('Trade_Show_Name', 'Trade Show Name', 'text', { custom_field: true }),
      f('Record_Image', 'Lead Image', 'profileimage'),
    ];
  }
  return [
    ...common,
    f('Account_Name', 'Account Name', 'lookup', { lookupModule: 'Accounts' }),
    f('Title', 'Title', 'text'),
    f('Department', 'Department', 'text'),
    f('Mailing_Country', 'Mailing Country', 'text'),
    f('Mailing_City', 'Mailing City', 'text'),
    f('Date_of_Birth', 'Date of Birth', 'date'),
    f('Customer_Tier', 'Customer Tier', 'picklist', { custom_field: true, values: TIERS }),
    f('Newsletter_Topics', 'Newsletter Topics', 'multiselectpicklist', {
      custom_field: true,
      values: INTERESTS,
    }),
    f('Record_Image', 'Contact Image', 'profileimage'),
  ];
}

/** A field as `GET /settings/fields` writes it (a subset of Zoho's keys: README, F1). */
export function fieldMetaJson(field: FieldDefinition, index: number): Record<string, unknown> {
  const json = field.data_type === 'integer' || field.data_type === 'currency' ? 'double' : 'string';
  return {
    id: String(4_150_868_000_000_002_000 + index),
    api_name: field.api_name,
    field_label: field.field_label,
    display_label: field.field_label,
    data_type: field.data_type,
    json_type:
      field.data_type === 'multiselectpicklist'
        ? 'jsonarray'
        : field.data_type.endsWith('lookup')
          ? 'jsonobject'
          : json,
    custom_field: field.custom_field === true,
    visible: true,
    read_only: false,
    pick_list_values: (field.values ?? []).map((value, i) => ({
      display_value: value,
      actual_value: value,
      sequence_number: i + 1,
      type: 'used',
    })),
    lookup: field.lookupModule
      ? { module: { api_name: field.lookupModule }, display_label: field.field_label }
      : {},
  };
}
