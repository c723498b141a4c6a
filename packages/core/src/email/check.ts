import { compileRoles, EMPTY, INVALID, newScanResult, ROLE, type RoleTable, scanEmail } from './scan.ts';

export { MAX_ADDRESS_LENGTH, MAX_LOCAL_LENGTH } from './scan.ts';

export type EmailStatus = 'valid' | 'empty' | 'invalid' | 'role';

export interface EmailCheck {
  status: EmailStatus;
  /** Lowercased address with an ASCII (punycode) domain; set whenever the syntax is right. */
  normalized?: string;
  /** The address with the intended well-known domain, when the domain looks like a typo of one. */
  suggestion?: string;
}

export interface EmailCheckOptions {
  /** An organization's own role/group local parts, on top of the default list. */
  extraRoles?: Iterable<string>;
}

export type EmailChecker = ((raw: string) => EmailCheck) & { readonly roles: RoleTable };

/** Builds a checker with its role list compiled once; use it in loops. */
export function createEmailChecker(options: EmailCheckOptions = {}): EmailChecker {
  const roles = compileRoles(options.extraRoles);
  const out = newScanResult();
  const check = (raw: string): EmailCheck => {
    scanEmail(raw, roles, out);
    switch (out.status) {
      case EMPTY:
        return { status: 'empty' };
      case INVALID: {
        const r: EmailCheck = { status: 'invalid' };
        if (out.normalized !== undefined) r.normalized = out.normalized;
        if (out.suggestion !== undefined) r.suggestion = out.suggestion;
        return r;
      }
      case ROLE:
        return { status: 'role', normalized: out.normalized! };
      default:
        return { status: 'valid', normalized: out.normalized! };
    }
  };
  return Object.assign(check, { roles });
}

const defaultChecker = createEmailChecker();

/**
 * Checks one address against the syntax policy of DESIGN.md section 2, in rule order: empty, invalid
 * (syntax, or a likely typo of a well-known mailbox domain, with the suggestion), role, valid.
 */
export function checkEmail(raw: string, options?: EmailCheckOptions): EmailCheck {
  if (options?.extraRoles) return createEmailChecker(options)(raw);
  return defaultChecker(raw);
}
