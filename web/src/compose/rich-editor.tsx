import Link from "@tiptap/extension-link";
import Placeholder from "@tiptap/extension-placeholder";
import { EditorContent, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useEffect } from "react";

interface RichEditorProps {
  /** The HTML it starts with (a restored draft, the signature). Later changes are ignored. */
  initialHtml: string;
  onChange(html: string): void;
  label: string;
  /** Bumped to load `initialHtml` again (Undo brought the message back). */
  resetKey?: number;
  /** Takes the keyboard once ready, the cursor at the start (above the signature and history). */
  autoFocus?: boolean;
}

/** Whether the keyboard is already in a field (an input, a select, an editable area). */
function typingSomewhere(): boolean {
  const active = document.activeElement;
  return (
    active instanceof HTMLElement &&
    (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))
  );
}

/** The composer's rich text (Tiptap, ADR 016): bold, italic, lists, links, quotes. */
export function RichEditor({
  initialHtml,
  onChange,
  label,
  resetKey = 0,
  autoFocus = false,
}: RichEditorProps) {
  const editor = useEditor({
    extensions: [
      StarterKit.configure({ link: false }),
      Link.configure({ openOnClick: false, autolink: true, HTMLAttributes: { rel: "noopener noreferrer" } }),
      Placeholder.configure({ placeholder: "Write your reply…" }),
    ],
    content: initialHtml,
    // The app's CSP has no 'unsafe-inline' styles: Tiptap's own CSS is in compose.css instead.
    injectCSS: false,
    editorProps: { attributes: { "aria-label": label, role: "textbox", "aria-multiline": "true" } },
    onUpdate: ({ editor: e }) => onChange(e.getHTML()),
  });

  // Once the editor is in the page (its "create"): ProseMirror's own focus, at once, rather than
  // Tiptap's autofocus, which waits for an animation frame and was seen to miss on a busy machine.
  useEffect(() => {
    if (!editor || !autoFocus) return;
    const focus = () => {
      // Not when the person got somewhere first (clicked into the text, or into To): the cursor
      // stays where they put it.
      if (editor.isDestroyed || editor.view.hasFocus() || typingSomewhere()) return;
      editor.commands.setTextSelection(1);
      editor.view.focus();
      // The text, not just its first line at the window's edge: the composer comes into view.
      editor.view.dom.scrollIntoView?.({ block: "center" });
    };
    if (editor.isInitialized) focus();
    else editor.on("create", focus);
    return () => {
      editor.off("create", focus);
    };
  }, [editor, autoFocus]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads only when asked to (resetKey).
  useEffect(() => {
    if (editor && resetKey > 0) editor.commands.setContent(initialHtml);
  }, [editor, resetKey]);

  const run = (command: () => boolean) => () => {
    command();
  };
  return (
    <div className="editor">
      {editor ? (
        <div className="editor__toolbar" role="toolbar" aria-label="Formatting">
          <button
            type="button"
            className="button button--ghost button--small"
            aria-pressed={editor.isActive("bold")}
            onClick={run(() => editor.chain().focus().toggleBold().run())}
          >
            <strong>B</strong>
            <span className="visually-hidden"> bold</span>
          </button>
          <button
            type="button"
            className="button button--ghost button--small"
            aria-pressed={editor.isActive("italic")}
            onClick={run(() => editor.chain().focus().toggleItalic().run())}
          >
            <em>I</em>
            <span className="visually-hidden"> italic</span>
          </button>
          <button
            type="button"
            className="button button--ghost button--small"
            aria-pressed={editor.isActive("bulletList")}
            onClick={run(() => editor.chain().focus().toggleBulletList().run())}
          >
            • List
          </button>
          <button
            type="button"
            className="button button--ghost button--small"
            aria-pressed={editor.isActive("blockquote")}
            onClick={run(() => editor.chain().focus().toggleBlockquote().run())}
          >
            “ Quote
          </button>
        </div>
      ) : null}
      <EditorContent editor={editor} className="editor__content" />
    </div>
  );
}
