/**
 * The longest server or tool name a traffic report may carry: the service's schema refuses longer ones and
 * the wrapper cuts them. Apart from the schema, so the wrapper does not load zod for a number.
 */
export const MAX_NAME_LENGTH = 200;
