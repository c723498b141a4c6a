import type { OrgState } from './store.ts';

/** The answers of `GET /organizations` and `GET /users`: fixed data around the simulator's organizations. */

export function organizationsBody(orgs: Iterable<OrgState>, primaryEmail: string) {
  return {
    code: 0,
    message: 'success',
    organizations: [...orgs].map((state, index) => ({
      organization_id: state.org.organization_id,
      name: state.org.name,
      contact_name: 'Ava Thompson',
      email: primaryEmail,
      is_default_org: index === 0,
      language_code: 'en',
      fiscal_year_start_month: '1',
      account_created_date: '2026-01-15',
      time_zone: state.org.time_zone,
      is_dst_active: false,
      date_format: 'dd MMM yyyy',
      field_separator: ' ',
      currency_id: '460000000000097',
      currency_code: 'USD',
      currency_symbol: '$',
      currency_format: '###,##0.00',
      price_precision: 2,
      plan_type: 0,
      plan_name: 'Free',
      country_code: 'US',
      country_name: 'U.S.A',
      org_settings: { is_org_active: true },
    })),
  };
}

function user(id: string, name: string, email: string, role: string, current: boolean) {
  return {
    user_id: id,
    name,
    email,
    status: 'active',
    user_role: role,
    user_type: 'zoho',
    role_id: role === 'admin' ? '460000000000201' : '460000000000202',
    is_current_user: current,
    is_super_admin: current,
    is_employee: true,
    mobile: '',
    photo_url: '',
    invitation_type: '',
  };
}

/** The key's user (`is_current_user`, with the account's primary email) and one colleague. */
export function usersBody(primaryEmail: string) {
  return {
    code: 0,
    message: 'success',
    users: [
      user('460000000000101', 'Ava Thompson', primaryEmail, 'admin', true),
      user('460000000000102', 'Ben Okafor', 'ben.okafor@northwind-trading.example.com', 'staff', false),
    ],
    page_context: {
      page: 1,
      per_page: 200,
      has_more_page: false,
      report_name: 'Users',
      applied_filter: 'Status.All',
      sort_column: 'name',
      sort_order: 'A',
    },
  };
}
