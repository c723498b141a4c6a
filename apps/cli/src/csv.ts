// The report's CSV format has one home: @leadsync/core (formulas neutralized, RFC 4180 quoting).
export { csvField, csvLine, RECORDS_CSV_HEADER } from '@leadsync/core';
