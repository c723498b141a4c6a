/** The value types a source field can have (the same names as the connector SDK's `FieldType`). */
export const FIELD_TYPES = ['string', 'email', 'number', 'date', 'boolean'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Source field key → its type, from the connector's field descriptors. */
export type FieldTypes = Readonly<Record<string, FieldType>>;
