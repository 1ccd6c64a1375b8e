import { z } from "zod";

/**
 * Values every resource uses. Times cross the wire as ISO 8601 strings (`Date#toISOString()`), and
 * stay strings in the browser; the server turns its Dates into them where it builds a response.
 */
export const isoDateTime = z.iso.datetime({ offset: true });

/** The body of a 204 No Content answer. */
export const noContent = z.undefined();
