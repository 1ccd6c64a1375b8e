import { z } from "zod";
import { GraphError } from "./graph-client.ts";

/**
 * A Graph GET whose answer is bytes, not JSON (an attachment's `/$value`), handed back as a
 * stream so a large file never sits in memory. Same conventions as graph-client.ts: immutable
 * ids, one token refresh after a 401, errors as GraphError with Graph's code. No in-line retry of
 * 429/503: a person is waiting, so the caller reports Retry-After instead.
 * https://learn.microsoft.com/graph/api/attachment-get#example-6-get-the-raw-contents-of-a-file-attachment-on-a-message
 */
export interface GraphBinaryOptions {
  graphUrl: string;
  accessToken(forceRefresh: boolean): Promise<string>;
  /** Path under /v1.0. */
  path: string;
  fetch?: typeof fetch;
  /** The whole transfer, body included (default 10 minutes: 150 MB on a slow link). */
  timeoutMs?: number;
}

export interface GraphBinary {
  body: ReadableStream<Uint8Array>;
  /** Graph's Content-Type (the caller decides whether to pass it on). */
  contentType: string | null;
  /** Content-Length when Graph sent one. */
  length: number | null;
}

const graphErrorBody = z.object({ error: z.object({ code: z.string(), message: z.string().default("") }) });

export async function graphGetBinary(options: GraphBinaryOptions): Promise<GraphBinary> {
  const doFetch = options.fetch ?? fetch;
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10 * 60_000);
  const call = async (forceRefresh: boolean) =>
    doFetch(`${options.graphUrl}/v1.0${options.path}`, {
      headers: {
        authorization: `Bearer ${await options.accessToken(forceRefresh)}`,
        prefer: 'IdType="ImmutableId"',
      },
      signal,
    });
  let res = await call(false);
  if (res.status === 401) {
    await res.body?.cancel();
    res = await call(true);
  }
  if (!res.ok || !res.body) {
    const json: unknown = await res.json().catch(() => undefined);
    const parsed = graphErrorBody.safeParse(json);
    const retryAfter = Number(res.headers.get("retry-after"));
    throw new GraphError(
      res.status,
      parsed.success ? parsed.data.error.code : `http_${res.status}`,
      parsed.success ? parsed.data.error.message : res.statusText,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  // fetch undoes a Content-Encoding, after which Content-Length (the encoded size) no longer
  // describes the body: only an unencoded answer's length is passed on.
  const encoding = res.headers.get("content-encoding");
  const length = Number(res.headers.get("content-length"));
  const known =
    res.headers.has("content-length") && Number.isFinite(length) && (!encoding || encoding === "identity");
  return { body: res.body, contentType: res.headers.get("content-type"), length: known ? length : null };
}
