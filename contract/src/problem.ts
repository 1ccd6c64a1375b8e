import { z } from "zod";

/** One field's complaint, shown next to its input (`field` is the dotted path of the value). */
export const fieldIssue = z.object({ field: z.string(), message: z.string() });
export type FieldIssue = z.infer<typeof fieldIssue>;

/**
 * Every error answer of the API: RFC 9457 problem details (`application/problem+json`) with our
 * `code` (what the web app branches on), `title` (words for people), field issues when the request
 * was refused for its content, and the request id to quote in a bug report.
 */
export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  fields: z.array(fieldIssue).optional(),
  requestId: z.string().optional(),
});
export type Problem = z.infer<typeof problem>;
