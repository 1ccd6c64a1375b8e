import type { Member } from "../accounts/accounts-api.ts";
import { Loading } from "../ui/page.tsx";
import type { Visibility } from "./inboxes-api.ts";

interface VisibilityPickerProps {
  value: Visibility;
  onChange(value: Visibility): void;
  /** The org's members to choose from; null while they load. */
  people: Member[] | null;
  peopleError: string | null;
  selected: string[];
  onSelect(userIds: string[]): void;
  error?: string | undefined;
}

const CHOICES: { value: Visibility; label: string; hint: string }[] = [
  { value: "org", label: "Everyone in the organization", hint: "Every member sees it and can work in it." },
  {
    value: "restricted",
    label: "Only selected members",
    hint: "The people you choose. Owners and admins see every inbox.",
  },
];

/** Who sees the inbox: the whole org, or the members ticked below. */
export function VisibilityPicker(props: VisibilityPickerProps) {
  const { value, onChange, error } = props;
  return (
    <fieldset className="fieldset">
      <legend className="field__label">Who can see it</legend>
      <div className="choices">
        {CHOICES.map((choice) => (
          <label key={choice.value} className="choice">
            <input
              className="choice__input"
              type="radio"
              name="visibility"
              value={choice.value}
              checked={value === choice.value}
              onChange={() => onChange(choice.value)}
            />
            <span className="choice__text">
              <span className="choice__label">{choice.label}</span>
              <span className="choice__hint">{choice.hint}</span>
            </span>
          </label>
        ))}
      </div>
      {value === "restricted" ? <MemberChecklist {...props} /> : null}
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function MemberChecklist({ people, peopleError, selected, onSelect }: VisibilityPickerProps) {
  if (peopleError) return <p className="alert alert--error">{peopleError}</p>;
  if (!people) return <Loading label="Loading members…" />;
  const toggle = (userId: string, on: boolean) =>
    onSelect(on ? [...selected, userId] : selected.filter((id) => id !== userId));
  return (
    <fieldset className="fieldset member-checklist">
      <legend className="member-checklist__legend">
        Members who can see it <span className="count">{selected.length}</span>
      </legend>
      <ul className="member-checklist__list">
        {people.map((person) => (
          <li key={person.userId}>
            <label className="member-checklist__item">
              <input
                type="checkbox"
                checked={selected.includes(person.userId)}
                onChange={(e) => toggle(person.userId, e.target.checked)}
              />
              <span className="avatar" aria-hidden="true">
                {(person.name || person.email).trim().charAt(0).toUpperCase()}
              </span>
              <span className="member-checklist__who">
                <span className="member-checklist__name">{person.name}</span>
                <span className="member-checklist__email">{person.email}</span>
              </span>
              {person.role !== "member" ? (
                <span className={`badge badge--${person.role}`}>
                  {person.role === "owner" ? "Owner" : "Admin"}
                </span>
              ) : null}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
