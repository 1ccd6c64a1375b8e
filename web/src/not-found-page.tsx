import { Link } from "react-router";
import { PageHeading } from "./ui/page.tsx";

export function NotFoundPage() {
  return (
    <main className="center-screen">
      <PageHeading title="Page not found" className="center-screen__title" />
      <p className="muted">The page you were looking for doesn't exist or has moved.</p>
      <Link className="button button--primary" to="/">
        Go to Mailroom
      </Link>
    </main>
  );
}
