import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RequestLog, send, sleep } from './http.ts';
import type { ContactInput, SimulatorFault } from './types.ts';

/**
 * Injected faults (`injectFault`): each armed once `afterRequests` API calls have gone by, for `count` calls.
 * Changes at the source (a rotated key, contacts deleted or modified) happen just before the matching API call;
 * the others change the answer: a delay, a body cut in half, a dropped connection, a status, an endless empty page,
 * a 429.
 */

interface ActiveFault {
  fault: SimulatorFault;
  startAfter: number;
  remaining: number;
}

/** What the source-changing faults do (the store and the accounts server). */
export interface FaultEffects {
  rotateKey(): void;
  deleteContact(organizationId: string, contactId: string): void;
  updateContact(organizationId: string, contactId: string, patch: ContactInput): void;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  /** API calls received so far (the token endpoint not counted). */
  private apiCalls = 0;

  constructor(
    private readonly effects: FaultEffects,
    private readonly log: RequestLog,
  ) {}

  inject(fault: SimulatorFault): void {
    const count = 'count' in fault && fault.count !== undefined ? fault.count : 1;
    this.faults.push({ fault, startAfter: this.apiCalls + (fault.afterRequests ?? 0), remaining: count });
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * Counts the call, applies what is due: true when a fault answered it (nothing more to do); `malformed` when its
   * answer is to be cut in half.
   */
  async apply(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    path: string,
    isApi: boolean,
  ): Promise<{ answered: boolean; malformed: boolean }> {
    if (isApi) this.apiCalls++;
    let malformed = false;
    for (const fault of this.due(path, isApi)) {
      if (fault.type === 'delay') await sleep(fault.ms);
      else if (fault.type === 'malformedJson') malformed = true;
      else if (fault.type === 'networkError') {
        this.log.record(req, url, 0);
        req.socket.destroy();
        return { answered: true, malformed };
      } else if (fault.type === 'status') {
        this.log.record(req, url, fault.status);
        const body =
          fault.status === 401
            ? { code: 57, message: 'You are not authorized to perform this operation' }
            : fault.status >= 500
              ? { code: 1000, message: 'Internal error' }
              : { code: 2, message: 'Invalid request' };
        send(res, fault.status, body);
        return { answered: true, malformed };
      } else if (fault.type === 'emptyPage') {
        this.log.record(req, url, 200);
        const page = Math.max(1, Number(url.searchParams.get('page')) || 1);
        const perPage = Math.max(1, Number(url.searchParams.get('per_page')) || 200);
        send(res, 200, {
          code: 0,
          message: 'success',
          contacts: [],
          page_context: { page, per_page: perPage, has_more_page: true },
        });
        return { answered: true, malformed };
      } else if (fault.type === 'rateLimit') {
        this.log.record(req, url, 429);
        send(
          res,
          429,
          {
            code: 44,
            message: 'You have made too many requests per minute. Please try again after some time.',
          },
          { 'Retry-After': String(fault.retryAfterSeconds ?? 1) },
        );
        return { answered: true, malformed };
      }
    }
    return { answered: res.destroyed, malformed };
  }

  /** Applies the source-changing faults that are due and returns the answer-changing ones for this call. */
  private due(path: string, isApi: boolean): SimulatorFault[] {
    const due: SimulatorFault[] = [];
    // API calls answered before this one: a fault is armed once `afterRequests` of them have gone by.
    const before = isApi ? this.apiCalls - 1 : this.apiCalls;
    for (const active of this.faults) {
      if (active.remaining <= 0 || before < active.startAfter) continue;
      const f = active.fault;
      if (f.type === 'rotateKey' || f.type === 'deleteContacts' || f.type === 'modifyContacts') {
        if (!isApi) continue;
        active.remaining = 0;
        if (f.type === 'rotateKey') this.effects.rotateKey();
        else if (f.type === 'deleteContacts')
          for (const id of f.contactIds) this.effects.deleteContact(f.organizationId, id);
        else for (const id of f.contactIds) this.effects.updateContact(f.organizationId, id, f.patch ?? {});
        continue;
      }
      const matches = f.path ? path.startsWith(f.path) : isApi;
      if (!matches) continue;
      active.remaining--;
      due.push(f);
    }
    this.faults = this.faults.filter((a) => a.remaining > 0);
    return due;
  }
}
