import { useEffect, useId, useRef, useState } from "react";
import { AttachmentIcon } from "../inbox/attachment-icon.tsx";
import { type AttachmentView, attachmentUrl, formatSize, type MessageView } from "../inbox/inbox-api.ts";

/** What the browser shows itself: images in the preview dialog, PDFs in a new tab. */
const PREVIEW_IMAGE = /^image\/(png|jpeg|gif|webp|bmp)$/;
const PREVIEW_PDF = "application/pdf";

const bareType = (a: AttachmentView) => (a.contentType ?? "").split(";")[0]!.trim().toLowerCase();

/** "PDF", "PNG image", "Word document"… or the file's extension. */
function typeLabel(a: AttachmentView): string {
  const type = bareType(a);
  if (type === PREVIEW_PDF) return "PDF";
  if (type.startsWith("image/")) return `${type.slice(6).toUpperCase()} image`;
  if (/word|opendocument\.text/.test(type)) return "Document";
  if (/sheet|excel|csv/.test(type)) return "Spreadsheet";
  if (/zip|compressed|gzip/.test(type)) return "Archive";
  const ext = a.name.includes(".") ? a.name.split(".").pop()!.toUpperCase() : "";
  return ext ? `${ext} file` : "File";
}

export const previewUrl = (messageId: string, a: AttachmentView) =>
  `${attachmentUrl(messageId, a.id)}?inline=1`;

/**
 * A message's attachments with name, type and size: each downloads; images open in a preview
 * dialog and PDFs in a new tab. Contents come from Microsoft on first open, then the browser's
 * cache (the server marks them private and long-lived: a stored message's files never change).
 */
export function AttachmentList({ message }: { message: MessageView }) {
  const [preview, setPreview] = useState<AttachmentView | null>(null);
  if (!message.hasAttachments && !message.attachments?.length) return null;
  if (message.attachments === null)
    return <p className="muted message__attachments-note">Attachments can't be listed right now.</p>;
  // Inline images are shown in the body; the list is what the sender attached.
  const files = message.attachments.filter((a) => !a.isInline || !PREVIEW_IMAGE.test(bareType(a)));
  if (files.length === 0) return null;
  return (
    <>
      <ul className="attachment-list" aria-label="Attachments">
        {files.map((a) => (
          <li key={a.id} className="attachment-row">
            <AttachmentIcon className="attachment-chip__icon" />
            <span className="attachment-row__name">{a.name}</span>
            <span className="attachment-row__actions">
              <span className="attachment-row__meta muted">
                {typeLabel(a)} · {formatSize(a.size)}
              </span>
              {PREVIEW_IMAGE.test(bareType(a)) ? (
                <button
                  type="button"
                  className="button button--ghost button--small"
                  onClick={() => setPreview(a)}
                >
                  Preview<span className="visually-hidden"> {a.name}</span>
                </button>
              ) : bareType(a) === PREVIEW_PDF ? (
                <a
                  className="button button--ghost button--small"
                  href={previewUrl(message.id, a)}
                  target="_blank"
                  rel="noopener noreferrer"
                >
                  Preview<span className="visually-hidden"> {a.name} (opens in a new tab)</span>
                </a>
              ) : null}
              <a
                className="button button--secondary button--small"
                href={attachmentUrl(message.id, a.id)}
                download={a.name}
              >
                Download<span className="visually-hidden"> {a.name}</span>
              </a>
            </span>
          </li>
        ))}
      </ul>
      {preview ? (
        <ImagePreview
          src={previewUrl(message.id, preview)}
          name={preview.name}
          onClose={() => setPreview(null)}
        />
      ) : null}
    </>
  );
}

function ImagePreview({ src, name, onClose }: { src: string; name: string; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog attachment-preview"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id={titleId} className="dialog__title">
        {name}
      </h2>
      {failed ? (
        <p className="alert alert--error" role="alert">
          This image can't be shown right now; try downloading it.
        </p>
      ) : (
        <img className="attachment-preview__image" src={src} alt={name} onError={() => setFailed(true)} />
      )}
      <div className="dialog__actions">
        <button type="button" className="button button--secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
