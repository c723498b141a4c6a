import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';

/** The contract's `DateTime` (an un-annotated `Date` would become type-graphql's `DateTimeISO`). */
export const DateTimeScalar = GraphQLDateTime;
/** The contract's `JSONObject`. */
export const JSONObjectScalar = GraphQLJSONObject;
