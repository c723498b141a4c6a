import type { Capabilities } from './capabilities.ts';

// Operations written against the SDL of DESIGN.md section 7. Optional ("beyond") fields are added only
// when the API announced them (see capabilities.ts). Over 300 lines for a reason: every operation the console
// sends, in one place, beside the capabilities that shape them.

const totals = 'totals { total newLeads reAdded duplicate ignored deleted }';
const breakdown = 'ignoredBreakdown { bounced doNotMail groupEmail fileDuplicate emptyEmail invalidPattern }';

/** `reasons: false`: a rejected record's count only, not the reasons (lists of runs: a report asks its run's). */
export function runFields(caps: Capabilities, { reasons = true }: { reasons?: boolean } = {}): string {
  const extra = [
    caps.runProgress ? 'progress { read processed }' : '',
    caps.dryRun ? 'dryRun' : '',
    caps.undo ? 'undoneAt' : '',
    caps.deletionGuard ? 'heldDeletions warning' : '',
    caps.undoReport ? 'undoReport { reversed kept keptByReason { reason count } }' : '',
    caps.sourceQuota ? 'waitingUntil waitingReason deletionsChecked' : '',
    caps.runRejections ? `rejectedCount${reasons ? ' rejections' : ''}` : '',
  ].join(' ');
  return `id status startedAt finishedAt error ${totals} ${breakdown} ${extra}`;
}

const scheduleFields = 'schedule { frequency time timeZone weekday dayOfMonth }';

export function syncListQuery(caps: Capabilities): string {
  return /* GraphQL */ `
    query Syncs {
      syncs {
        id name status inactiveReason importMode sourceOrganizationId nextRunAt ${caps.drafts ? 'setupStep' : ''}
        connection { id name connector status }
        mailingList { id name }
        ${scheduleFields}
        lastRun { ${runFields(caps, { reasons: false })} }
      }
      connectors { id displayName maxLookbackDays detectsDeletes }
    }
  `;
}

export function syncDetailQuery(caps: Capabilities): string {
  // The history's runs: the selected run's report asks its reasons (RunRejectionsQuery), one run, when shown.
  const listed = runFields(caps, { reasons: false });
  return /* GraphQL */ `
    query Sync($id: ID!) {
      sync(id: $id) {
        id name status inactiveReason importMode sourceOrganizationId nextRunAt criteria retrieveFrom
        ${caps.updatePolicy ? 'updatePolicy' : ''}
        ${caps.deletionGuard ? 'deletionGuardPercent deletionsConfirmed' : ''}
        ${caps.fullReread ? 'fullRereadPending' : ''}
        ${caps.drafts ? 'setupStep createdAt' : ''}
        connection { id name connector status }
        mailingList { id name }
        fieldMapping { source target }
        ${scheduleFields}
        lastRun { ${listed} }
        runs(first: 50) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${listed} } } }
      }
      connectors { id displayName maxLookbackDays detectsDeletes }
    }
  `;
}

export function syncRunQuery(caps: Capabilities): string {
  return /* GraphQL */ `
    query SyncRun($id: ID!) {
      syncRun(id: $id) { ${runFields(caps)} }
    }
  `;
}

/** The reasons a run skipped records for: asked for the run a report shows (the history asks counts only). */
export const RunRejectionsQuery = /* GraphQL */ `
  query RunRejections($id: ID!) {
    syncRun(id: $id) { id rejectedCount rejections }
  }
`;

export const RunRecordsQuery = /* GraphQL */ `
  query RunRecords($id: ID!, $outcome: Outcome, $reason: IgnoredReason, $first: Int, $after: String) {
    syncRun(id: $id) {
      id
      records(outcome: $outcome, reason: $reason, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { sourceId email outcome reason suggestion } }
      }
    }
  }
`;

export const ConnectorsQuery = /* GraphQL */ `
  query Connectors {
    connectors { id displayName maxLookbackDays detectsDeletes }
  }
`;

export function connectionsQuery(caps: Capabilities): string {
  return /* GraphQL */ `
    query Connections {
      connections { id connector name status primaryEmail maskedKey }
      connectors { id displayName maxLookbackDays detectsDeletes ${caps.activeRecords ? 'activeOnlyReads' : ''} ${caps.connectorSpec ? 'spec' : ''} }
    }
  `;
}

export function settingsQuery(caps: Capabilities): string {
  return /* GraphQL */ `
    query Settings {
      connections { id connector name status primaryEmail maskedKey ${caps.connectionStatusReason ? 'statusReason' : ''} }
      connectors { id displayName maxLookbackDays detectsDeletes ${caps.connectorSpec ? 'spec' : ''} }
      syncs { id name status inactiveReason connection { id } }
    }
  `;
}

/** A draft to continue in the wizard. */
export function syncDraftQuery(caps: Capabilities): string {
  return /* GraphQL */ `
  query SyncDraft($id: ID!) {
    sync(id: $id) {
      id name status importMode sourceOrganizationId criteria retrieveFrom setupStep createdAt
      ${caps.activeRecords ? 'activeRecordsOnly' : ''}
      connection { id }
      mailingList { id }
      fieldMapping { source target }
      ${scheduleFields}
    }
  }
`;
}

export const UpdateSyncDraftMutation = /* GraphQL */ `
  mutation UpdateSyncDraft($id: ID!, $input: CreateSyncInput!) {
    updateSyncDraft(id: $id, input: $input) { id name status setupStep }
  }
`;

export function syncCostEstimateQuery(caps: Capabilities): string {
  return /* GraphQL */ `
    query SyncCostEstimate($id: ID!) {
      syncCostEstimate(id: $id) {
        records requests listRequests detailRequests note
        ${caps.costQuota ? 'deletionRequests accuracy dailyQuota { limit remaining resetAt }' : ''}
      }
    }
  `;
}

export const MailingListsQuery = /* GraphQL */ `
  query MailingLists {
    mailingLists { id name leadCount }
  }
`;

export const SourceOrganizationsQuery = /* GraphQL */ `
  query SourceOrganizations($connectionId: ID!) {
    sourceOrganizations(connectionId: $connectionId) { id name }
  }
`;

export function sourceFieldsQuery(caps: Capabilities): string {
  return caps.sourceFieldsByOrganization
    ? /* GraphQL */ `
      query SourceFields($connectionId: ID!, $sourceOrganizationId: ID) {
        sourceFields(connectionId: $connectionId, sourceOrganizationId: $sourceOrganizationId) {
          key label type ${caps.fieldAvailability ? 'availability' : ''}
        }
      }
    `
    : /* GraphQL */ `
      query SourceFields($connectionId: ID!) {
        sourceFields(connectionId: $connectionId) { key label type ${caps.fieldAvailability ? 'availability' : ''} }
      }
    `;
}

/** Variables for `sourceFieldsQuery`: the organization only when the API takes it. */
export function sourceFieldsVariables(
  caps: Capabilities,
  connectionId: string,
  sourceOrganizationId: string | null,
) {
  return caps.sourceFieldsByOrganization && sourceOrganizationId
    ? { connectionId, sourceOrganizationId }
    : { connectionId };
}

export const LeadsQuery = /* GraphQL */ `
  query Leads($mailingListId: ID, $status: LeadStatus, $search: String, $first: Int, $after: String) {
    leads(mailingListId: $mailingListId, status: $status, search: $search, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id email firstName lastName status fields } }
    }
  }
`;

export const CreateConnectionMutation = /* GraphQL */ `
  mutation CreateConnection($input: CreateConnectionInput!) {
    createConnection(input: $input) { id connector name status primaryEmail maskedKey }
  }
`;

export const UpdateConnectionCredentialsMutation = /* GraphQL */ `
  mutation UpdateConnectionCredentials($id: ID!, $credentials: JSONObject!) {
    updateConnectionCredentials(id: $id, credentials: $credentials) { id connector name status primaryEmail maskedKey }
  }
`;

export const UpdateConnectionSettingsMutation = /* GraphQL */ `
  mutation UpdateConnectionSettings($id: ID!, $settings: JSONObject!) {
    updateConnectionSettings(id: $id, settings: $settings) { id connector name status primaryEmail maskedKey }
  }
`;

export const CreateMailingListMutation = /* GraphQL */ `
  mutation CreateMailingList($name: String!) {
    createMailingList(name: $name) { id name leadCount }
  }
`;

export const CreateSyncMutation = /* GraphQL */ `
  mutation CreateSync($input: CreateSyncInput!) {
    createSync(input: $input) { id name status }
  }
`;

export const InitiateSyncMutation = /* GraphQL */ `
  mutation InitiateSync($id: ID!) {
    initiateSync(id: $id) { id name status nextRunAt }
  }
`;

export function runSyncNowMutation(caps: Capabilities): string {
  return /* GraphQL */ `
    mutation RunSyncNow($id: ID!) {
      runSyncNow(id: $id) { ${runFields(caps)} }
    }
  `;
}

export function previewSyncMutation(caps: Capabilities): string {
  return /* GraphQL */ `
    mutation PreviewSync($id: ID!) {
      previewSync(id: $id) { ${runFields(caps)} }
    }
  `;
}

export function undoSyncRunMutation(caps: Capabilities): string {
  return /* GraphQL */ `
    mutation UndoSyncRun($id: ID!) {
      undoSyncRun(id: $id) { ${runFields(caps)} }
    }
  `;
}

export const UpdateSyncMappingMutation = /* GraphQL */ `
  mutation UpdateSyncMapping($id: ID!, $fieldMapping: [FieldMappingInput!]!) {
    updateSyncMapping(id: $id, fieldMapping: $fieldMapping) { id fieldMapping { source target } }
  }
`;

export const UpdateSyncRetrievalMutation = /* GraphQL */ `
  mutation UpdateSyncRetrieval($id: ID!, $schedule: ScheduleInput, $retrieveFrom: DateTime, $criteria: JSONObject) {
    updateSyncRetrieval(id: $id, schedule: $schedule, retrieveFrom: $retrieveFrom, criteria: $criteria) {
      id retrieveFrom criteria nextRunAt ${scheduleFields}
    }
  }
`;

export const ConfirmSyncDeletionsMutation = /* GraphQL */ `
  mutation ConfirmSyncDeletions($id: ID!) {
    confirmSyncDeletions(id: $id) { id deletionsConfirmed }
  }
`;

export const UpdateSyncPolicyMutation = /* GraphQL */ `
  mutation UpdateSyncPolicy($id: ID!, $updatePolicy: UpdatePolicy!) {
    updateSyncPolicy(id: $id, updatePolicy: $updatePolicy) { id updatePolicy }
  }
`;

export const ActivateSyncMutation = /* GraphQL */ `
  mutation ActivateSync($id: ID!) {
    activateSync(id: $id) { id status inactiveReason nextRunAt }
  }
`;

export const DeactivateSyncMutation = /* GraphQL */ `
  mutation DeactivateSync($id: ID!) {
    deactivateSync(id: $id) { id status inactiveReason nextRunAt }
  }
`;

export const ActivateAllSyncsMutation = /* GraphQL */ `
  mutation ActivateAllSyncs($connectionId: ID!) {
    activateAllSyncs(connectionId: $connectionId) { id status inactiveReason nextRunAt }
  }
`;

export const DeleteSyncMutation = /* GraphQL */ `
  mutation DeleteSync($id: ID!) {
    deleteSync(id: $id)
  }
`;

export const MarkBouncedMutation = /* GraphQL */ `
  mutation MarkBounced($emails: [String!]!) { markBounced(emails: $emails) }
`;
export const MarkDoNotMailMutation = /* GraphQL */ `
  mutation MarkDoNotMail($emails: [String!]!) { markDoNotMail(emails: $emails) }
`;
export const DeleteLeadsMutation = /* GraphQL */ `
  mutation DeleteLeads($emails: [String!]!) { deleteLeads(emails: $emails) }
`;

// Webhooks (optional; used only when capabilities.webhooks). The secret is asked for only at creation.
const webhookDeliveryFields =
  'id event status attempts lastError lastStatusCode nextAttemptAt deliveredAt createdAt';

export const WebhooksQuery = /* GraphQL */ `
  query Webhooks {
    webhooks { id url events createdAt deliveries(first: 5) { ${webhookDeliveryFields} } }
  }
`;

export const CreateWebhookMutation = /* GraphQL */ `
  mutation CreateWebhook($url: String!, $events: [WebhookEvent!]!) {
    createWebhook(url: $url, events: $events) { id url events secret createdAt }
  }
`;

export const DeleteWebhookMutation = /* GraphQL */ `
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`;

export const LeadTimelineQuery = /* GraphQL */ `
  query LeadTimeline($email: String!, $first: Int, $after: String) {
    leadTimeline(email: $email, first: $first, after: $after) {
      email
      lead { id email firstName lastName status fields }
      lists { mailingList { id name } addedAt addedBy { id name } }
      createdBy { at sync { id name } runId apiKeyName }
      historyPrunedBefore
      events {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            kind at sync { id name } runId runNumber outcome reason suggestion email fromStatus toStatus
            mailingList { id name } apiKeyName
          }
        }
      }
    }
  }
`;

/** What the connector detects in proposed settings (an uploaded file), before the connection is created. */
export const PreviewConnectionSettingsQuery = /* GraphQL */ `
  query PreviewConnectionSettings($connector: String!, $settings: JSONObject!) {
    previewConnectionSettings(connector: $connector, settings: $settings) {
      settings options { key label value detected choices { value label } } columns rows estimatedRecords
    }
  }
`;
