import type { Permission } from "./outlook-api.ts";

/** What Mailroom asks Microsoft for and why, shown before the person leaves for Microsoft. */
export function PermissionsTable({ permissions }: { permissions: Permission[] }) {
  return (
    <table className="permissions">
      <caption className="permissions__caption">Permissions Mailroom will ask Microsoft for</caption>
      <thead>
        <tr>
          <th scope="col">Permission</th>
          <th scope="col">Why it's needed</th>
        </tr>
      </thead>
      <tbody>
        {permissions.map((p) => (
          <tr key={p.scope}>
            <th scope="row" className="permissions__name">
              {p.label} <code className="permissions__scope">({p.scope})</code>
            </th>
            <td>{p.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
