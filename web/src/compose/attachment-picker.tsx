import { MAX_ATTACHMENT_BYTES } from "@mailroom/contract";
import { useId, useState } from "react";
import { ApiError } from "../api.ts";
import { uploadFile } from "./upload-file.ts";

export interface PickedFile {
  key: string;
  name: string;
  size: number;
  received: number;
  uploadId: string | null;
  error: string | null;
}

/**
 * Attach files: each uploads at once in 4 MB ranges with a progress bar; one over Outlook's
 * 150 MB is refused before any byte goes. Send waits until every file is up.
 */
export function AttachmentPicker({
  channelId,
  files,
  onChange,
}: {
  channelId: string;
  files: PickedFile[];
  onChange(update: (files: PickedFile[]) => PickedFile[]): void;
}) {
  const id = useId();
  const [seq, setSeq] = useState(0);
  const patch = (key: string, change: Partial<PickedFile>) =>
    onChange((list) => list.map((f) => (f.key === key ? { ...f, ...change } : f)));

  const add = (picked: FileList | null) => {
    for (const file of Array.from(picked ?? [])) {
      const key = `${seq}:${file.name}`;
      setSeq((n) => n + 1);
      const tooBig = file.size > MAX_ATTACHMENT_BYTES;
      onChange((list) => [
        ...list,
        {
          key,
          name: file.name,
          size: file.size,
          received: 0,
          uploadId: null,
          error: tooBig ? "Outlook takes files of at most 150 MB" : null,
        },
      ]);
      if (tooBig) continue;
      uploadFile(channelId, file, (received) => patch(key, { received })).then(
        (done) => patch(key, { uploadId: done.id, received: done.size }),
        (error: unknown) => patch(key, { error: error instanceof ApiError ? error.title : "Upload failed" }),
      );
    }
  };

  return (
    <div className="attachments">
      <label htmlFor={id} className="button button--ghost button--small">
        Attach files
      </label>
      <input id={id} type="file" multiple className="visually-hidden" onChange={(e) => add(e.target.files)} />
      {files.length ? (
        <ul className="attachments__list" aria-label="Attachments">
          {files.map((f) => (
            <li key={f.key} className="attachments__item">
              <span>{f.name}</span>
              {f.error ? (
                <span className="field__error">{f.error}</span>
              ) : (
                <progress max={f.size} value={f.received} aria-label={`${f.name} uploaded`} />
              )}
              <button
                type="button"
                className="chip__remove"
                aria-label={`Remove ${f.name}`}
                onClick={() => onChange((list) => list.filter((x) => x.key !== f.key))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
