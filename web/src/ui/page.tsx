import { type ReactNode, useEffect, useRef } from "react";

let firstPage = true;

/** Sets the document title: "Members · Mailroom". */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Mailroom` : "Mailroom";
  }, [title]);
}

interface PageHeadingProps {
  title: string;
  /** Document title when it should differ from the heading. */
  documentTitle?: string;
  className?: string;
}

/**
 * The page's h1. After client-side navigation it takes focus, so screen-reader and keyboard users
 * start at the new page's content instead of the link they clicked.
 */
export function PageHeading({ title, documentTitle, className }: PageHeadingProps) {
  const ref = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(documentTitle ?? title);
  useEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    ref.current?.focus({ preventScroll: false });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className={className ?? "page__title"}>
      {title}
    </h1>
  );
}

interface PageHeaderProps {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}

/** Title, one-line description and actions at the top of an app page. */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <header className="page__header">
      <div className="page__heading">
        <PageHeading title={title} />
        {description ? <p className="page__description">{description}</p> : null}
      </div>
      {actions ? <div className="page__actions">{actions}</div> : null}
    </header>
  );
}

/** A friendly placeholder for a list with nothing in it yet. */
export function EmptyState({
  icon,
  title,
  children,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
}) {
  return (
    <section className="empty-state" aria-label={title}>
      {icon ? (
        <div className="empty-state__icon" aria-hidden="true">
          {icon}
        </div>
      ) : null}
      <h2 className="empty-state__title">{title}</h2>
      {children ? <div className="empty-state__body">{children}</div> : null}
    </section>
  );
}

/** Shown while a page's data loads. */
export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="loading__spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** A load that failed, in words, with Try again when `onRetry` is given. */
export function ErrorLine({
  children,
  onRetry,
  className = "",
}: {
  children: ReactNode;
  onRetry?: () => void;
  className?: string;
}) {
  return (
    <p className={`alert alert--error ${className}`.trim()} role="alert">
      {children}{" "}
      {onRetry ? (
        <button type="button" className="button button--ghost button--small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </p>
  );
}
