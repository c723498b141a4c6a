import { formatZohoTime } from '../zoho-time.ts';
import type { CustomFieldDefinition, SimulatorContact } from './types.ts';

/**
 * How a contact's `GET /contacts` row is written: once, as UTF-8 JSON bytes, when the contact is stored or changed,
 * so that a list page is those bytes put together (a copy, not 200 serializations and an encoding of the body).
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ROW_SLAB_BYTES = 1 << 20;

/** What a list row is written from. */
export interface RowSource {
  contact: Omit<SimulatorContact, 'created_time' | 'last_modified_time' | 'custom_fields'>;
  customValues: Map<string, string | number | boolean>;
  createdMs: number;
  modifiedMs: number;
}

/**
 * A time as Zoho writes it in the organization's zone (`iso`) and as a formatted date (`date`). Every contact has
 * its own times, so these are not cached (a cache of 200,000 of them cost more than it saved).
 */
export function timeText(zone: string, ms: number): { iso: string; date: string } {
  const iso = formatZohoTime(ms, zone);
  return { iso, date: `${iso.slice(8, 10)} ${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}` };
}

/**
 * List rows kept in shared slabs rather than a Buffer each: 100,000 small Buffers cost far more to allocate and
 * collect. A changed contact's old row stays in its slab until the slab's other rows are gone.
 */
export class RowSlabs {
  private slab = Buffer.allocUnsafeSlow(ROW_SLAB_BYTES);
  private used = 0;

  bytes(json: string): Buffer {
    const most = json.length * 3;
    if (most > ROW_SLAB_BYTES / 8) return Buffer.from(json);
    if (this.used + most > this.slab.length) {
      this.slab = Buffer.allocUnsafeSlow(ROW_SLAB_BYTES);
      this.used = 0;
    }
    const length = this.slab.write(json, this.used);
    const row = this.slab.subarray(this.used, this.used + length);
    this.used += length;
    return row;
  }
}

/** The constant start of a custom field's JSON in a contact (its definition), by definition. */
const definitionJson = new WeakMap<CustomFieldDefinition, string>();

/**
 * A list row: what `GET /contacts` returns for a contact (no addresses, no contact persons), as JSON text written
 * directly. It depends on nothing but the contact (custom field definitions never change, nor the org's zone).
 */
export function listRowJson(
  zone: string,
  customFields: ReadonlyMap<string, CustomFieldDefinition>,
  stored: RowSource,
): string {
  const c = stored.contact;
  const q = JSON.stringify;
  const name = q(c.contact_name);
  const created = timeText(zone, stored.createdMs);
  const modified = timeText(zone, stored.modifiedMs);
  const fields: string[] = [];
  const hash: Record<string, string | number | boolean> = {};
  for (const [label, value] of stored.customValues) {
    const def = customFields.get(label);
    if (!def) continue;
    let head = definitionJson.get(def);
    if (head === undefined) {
      head = q(def).slice(0, -1);
      definitionJson.set(def, head);
    }
    const formatted = String(value);
    fields.push(
      `${head},"value":${q(value)},"value_formatted":${q(formatted)},"placeholder":${q(def.api_name)},` +
        '"search_entity":"contact","show_on_pdf":false,"show_in_portal":false}',
    );
    hash[def.api_name] = formatted;
    hash[`${def.api_name}_unformatted`] = value;
  }
  return (
    `{"contact_id":${q(c.contact_id)},"contact_name":${name},"customer_name":${name},"vendor_name":${name},` +
    `"company_name":${q(c.company_name)},"website":${q(c.website)},"language_code":"","language_code_formatted":"",` +
    `"contact_type":${q(c.contact_type)},"contact_type_formatted":${c.contact_type === 'customer' ? '"Customer"' : '"Vendor"'},` +
    `"status":${q(c.status)},"customer_sub_type":${q(c.customer_sub_type)},"source":"api",` +
    '"is_linked_with_zohocrm":false,"payment_terms":0,"payment_terms_label":"Due on Receipt","currency_code":"USD",' +
    '"outstanding_receivable_amount":0,"outstanding_receivable_amount_bcy":0,"unused_credits_receivable_amount":0,' +
    '"unused_credits_receivable_amount_bcy":0,' +
    `"first_name":${q(c.first_name)},"last_name":${q(c.last_name)},"email":${q(c.email)},"phone":${q(c.phone)},` +
    `"mobile":${q(c.mobile)},"portal_status":"disabled","portal_status_formatted":"Disabled",` +
    `"created_time":${q(created.iso)},"created_time_formatted":${q(created.date)},` +
    `"last_modified_time":${q(modified.iso)},"last_modified_time_formatted":${q(modified.date)},` +
    `"custom_fields":[${fields.join(',')}],"custom_field_hash":${q(hash)},"contactperson_custom_fields":[],` +
    '"ach_supported":false,"has_attachment":false}'
  );
}
