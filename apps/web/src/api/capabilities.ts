import { createContext, useContext } from 'react';

/**
 * What the API offers beyond the minimal schema of DESIGN.md section 7. The console asks once, by
 * introspection, at sign-in, and only then sends queries that name the optional fields, so it keeps
 * working against an API that has only the minimal schema (or has introspection turned off).
 */
export interface Capabilities {
  runProgress: boolean;
  dryRun: boolean;
  undo: boolean;
  preview: boolean;
  updatePolicy: boolean;
  recordsCsv: boolean;
  /** The name of a Query field that returns the organization (`{ name }`), when there is one. */
  organizationField: string | null;
  /** `Query.viewer { apiKeyName }`: who is signed in, the fallback when the organization has no name. */
  viewer: boolean;
  /** `Viewer.organizationName`, when the API offers it there. */
  viewerOrganizationName: boolean;
  /** `sourceFields(connectionId, sourceOrganizationId)`: fields differ per source organization. */
  sourceFieldsByOrganization: boolean;
  /** `SourceField.availability` (`list` or `detail`): detail fields cost a request per changed record. */
  fieldAvailability: boolean;
  /** `webhooks`, `createWebhook`, `deleteWebhook`: the Webhooks section of Settings. */
  webhooks: boolean;
  /** `SyncRun.heldDeletions`/`warning`, `Sync.deletionsConfirmed`, `confirmSyncDeletions`: the mass-deletion guard. */
  deletionGuard: boolean;
  /** `SyncRun.undoReport`: what an undo kept, and why. */
  undoReport: boolean;
  /** `updateSyncDraft` and `Sync.setupStep`: the wizard saves a draft at every step and reopens it. */
  drafts: boolean;
  /** `Sync.fullRereadPending`: whether the next run reads the whole retrieval window. */
  fullReread: boolean;
  /** `syncCostEstimate(id)`: what a run costs at the source, shown before initiating. */
  costEstimate: boolean;
  /** `CostEstimate.deletionRequests`, `accuracy`, `dailyQuota`: the share of the source's daily quota. */
  costQuota: boolean;
  /** `Connection.statusReason`: why a connection needs a new key. */
  connectionStatusReason: boolean;
  /** `Connector.spec`: the connection form as data (without it, credentials and settings are typed as JSON). */
  connectorSpec: boolean;
  /** `SyncRun.waitingUntil`, `waitingReason`, `deletionsChecked`: runs that wait for a source's daily quota. */
  sourceQuota: boolean;
  /** `Sync.activeRecordsOnly` and `Connector.activeOnlyReads`: a sync may read active records only. */
  activeRecords: boolean;
  /** `SyncRun.rejectedCount`, `rejections`: the source records a run could not read (a CSV file's malformed lines). */
  runRejections: boolean;
}

export const minimalCapabilities: Capabilities = {
  runProgress: false,
  dryRun: false,
  undo: false,
  preview: false,
  updatePolicy: false,
  recordsCsv: false,
  organizationField: null,
  viewer: false,
  viewerOrganizationName: false,
  sourceFieldsByOrganization: false,
  fieldAvailability: false,
  webhooks: false,
  deletionGuard: false,
  undoReport: false,
  drafts: false,
  fullReread: false,
  costEstimate: false,
  costQuota: false,
  connectionStatusReason: false,
  connectorSpec: false,
  sourceQuota: false,
  activeRecords: false,
  runRejections: false,
};

interface TypeFields {
  fields: { name: string; args?: { name: string }[] }[] | null;
}

export interface IntrospectionResult {
  query: TypeFields | null;
  mutation: TypeFields | null;
  syncRun: TypeFields | null;
  sync: TypeFields | null;
  sourceField?: TypeFields | null;
  viewerType?: TypeFields | null;
  connection?: TypeFields | null;
  connector?: TypeFields | null;
  costEstimate?: TypeFields | null;
}

export const CapabilitiesQuery = /* GraphQL */ `
  query Capabilities {
    query: __type(name: "Query") { fields { name args { name } } }
    mutation: __type(name: "Mutation") { fields { name } }
    syncRun: __type(name: "SyncRun") { fields { name } }
    sync: __type(name: "Sync") { fields { name } }
    sourceField: __type(name: "SourceField") { fields { name } }
    viewerType: __type(name: "Viewer") { fields { name } }
    connection: __type(name: "Connection") { fields { name } }
    connector: __type(name: "Connector") { fields { name } }
    costEstimate: __type(name: "CostEstimate") { fields { name } }
  }
`;

const organizationFieldNames = ['organization', 'currentOrganization', 'viewerOrganization'];

export function capabilitiesFrom(result: IntrospectionResult): Capabilities {
  const names = (t: TypeFields | null) => new Set((t?.fields ?? []).map((f) => f.name));
  const query = names(result.query);
  const mutation = names(result.mutation);
  const run = names(result.syncRun);
  const sync = names(result.sync);
  return {
    runProgress: run.has('progress'),
    dryRun: run.has('dryRun'),
    undo: mutation.has('undoSyncRun') && run.has('undoneAt'),
    preview: mutation.has('previewSync') && run.has('dryRun'),
    updatePolicy: sync.has('updatePolicy') && mutation.has('updateSyncPolicy'),
    // The CSV endpoint is not in the schema; it ships with the rest of the "beyond" features.
    recordsCsv: mutation.has('previewSync') || mutation.has('undoSyncRun'),
    organizationField: organizationFieldNames.find((n) => query.has(n)) ?? null,
    viewer: query.has('viewer'),
    viewerOrganizationName: query.has('viewer') && names(result.viewerType ?? null).has('organizationName'),
    sourceFieldsByOrganization: (result.query?.fields ?? []).some(
      (f) => f.name === 'sourceFields' && (f.args ?? []).some((a) => a.name === 'sourceOrganizationId'),
    ),
    fieldAvailability: names(result.sourceField ?? null).has('availability'),
    webhooks: query.has('webhooks') && mutation.has('createWebhook') && mutation.has('deleteWebhook'),
    deletionGuard:
      run.has('heldDeletions') && sync.has('deletionsConfirmed') && mutation.has('confirmSyncDeletions'),
    undoReport: run.has('undoReport'),
    drafts: mutation.has('updateSyncDraft') && sync.has('setupStep'),
    fullReread: sync.has('fullRereadPending'),
    costEstimate: query.has('syncCostEstimate'),
    costQuota:
      query.has('syncCostEstimate') &&
      ['deletionRequests', 'accuracy', 'dailyQuota'].every((f) => names(result.costEstimate ?? null).has(f)),
    connectionStatusReason: names(result.connection ?? null).has('statusReason'),
    // A spec's file fields are uploaded (`POST /uploads`) and read (`previewConnectionSettings`): both or neither.
    connectorSpec: names(result.connector ?? null).has('spec') && query.has('previewConnectionSettings'),
    sourceQuota: run.has('waitingUntil') && run.has('deletionsChecked'),
    activeRecords: sync.has('activeRecordsOnly') && names(result.connector ?? null).has('activeOnlyReads'),
    runRejections: run.has('rejectedCount') && run.has('rejections'),
  };
}

export const CapabilitiesContext = createContext<Capabilities>(minimalCapabilities);

export function useCapabilities(): Capabilities {
  return useContext(CapabilitiesContext);
}
