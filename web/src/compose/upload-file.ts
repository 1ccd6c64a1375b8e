import { MAX_UPLOAD_RANGE_BYTES, routes, type UploadItem, uploadItem } from "@mailroom/contract";
import { ApiError, CSRF_HEADER, callApi } from "../api.ts";

/**
 * A file to the server in ranges of at most 4 MB, reporting progress. A dropped connection is
 * resumed where the server says the upload stands (`received`), a few times, before giving up.
 */
export async function uploadFile(
  channelId: string,
  file: File,
  onProgress: (received: number) => void,
): Promise<UploadItem> {
  const { upload } = await callApi(routes.createUpload, {
    body: {
      channelId,
      name: file.name,
      contentType: file.type || "application/octet-stream",
      size: file.size,
    },
  });
  let current = upload;
  for (let failures = 0; current.received < current.size; ) {
    try {
      current = await putRange(current, file);
      onProgress(current.received);
    } catch (error) {
      if (++failures > 3 || (error instanceof ApiError && error.status >= 400 && error.status !== 409))
        throw error;
      await new Promise((r) => setTimeout(r, 1000 * failures));
      current = (await callApi(routes.getUpload, { params: { id: current.id } })).upload;
    }
  }
  return current;
}

async function putRange(upload: UploadItem, file: File): Promise<UploadItem> {
  const start = upload.received;
  const end = Math.min(upload.size, start + MAX_UPLOAD_RANGE_BYTES);
  let response: Response;
  try {
    response = await fetch(`/api/outbox/uploads/${encodeURIComponent(upload.id)}`, {
      method: "PUT",
      credentials: "same-origin",
      headers: {
        "content-type": "application/octet-stream",
        "content-range": `bytes ${start}-${end - 1}/${upload.size}`,
        [CSRF_HEADER]: csrfCookie(),
      },
      body: file.slice(start, end),
    });
  } catch {
    throw new ApiError(0, "network", "The connection dropped while uploading");
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const title = typeof body === "object" && body && "title" in body ? String(body.title) : "Upload failed";
    throw new ApiError(response.status, "upload_failed", title);
  }
  const parsed = uploadItem.safeParse(
    typeof body === "object" && body && "upload" in body ? body.upload : undefined,
  );
  if (!parsed.success)
    throw new ApiError(response.status, "unexpected_response", "Upload answered strangely");
  return parsed.data;
}

function csrfCookie(): string {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === "mailroom_csrf") return decodeURIComponent(rest.join("="));
  }
  return "";
}
