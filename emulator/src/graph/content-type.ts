/**
 * The content type Outlook gives a file attachment posted without one: the message-post-attachments
 * page's example posts `{"name": "smile", "contentBytes": "R0lGODdh…"}` and gets back
 * `"contentType": "image/gif"`. Recognised by the file's leading bytes; anything else is
 * `application/octet-stream`.
 */
const SIGNATURES: readonly (readonly [string, readonly number[]])[] = [
  ["image/gif", [0x47, 0x49, 0x46, 0x38]],
  ["image/png", [0x89, 0x50, 0x4e, 0x47]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["application/pdf", [0x25, 0x50, 0x44, 0x46]],
  ["application/zip", [0x50, 0x4b, 0x03, 0x04]],
];

export function sniffContentType(contentBase64: string): string {
  const head = Buffer.from(contentBase64.slice(0, 16), "base64");
  for (const [type, signature] of SIGNATURES)
    if (signature.every((byte, index) => head[index] === byte)) return type;
  return "application/octet-stream";
}
