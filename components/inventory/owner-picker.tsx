"use client";

import { useId, useState } from "react";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";
import type { FormAction } from "@/lib/http/action-result";
import type { OwnerCandidate } from "@/lib/people/owner-candidates";

/** The add-person server action, called with a plain object (not a nested form): answers the new person's id. */
export type AddPersonAction = FormAction<{ id: string }, { name: string; email: string; teamId: string; userId?: string }>;

const PERSON_TAG = "Directory person";
const PERSON_USER_TAG = "Directory person · console user";
const USER_TAG = "Console user · not in directory";

const toOption = (candidate: OwnerCandidate): ComboboxOption => ({
  value: candidate.kind === "person" ? candidate.id : `user:${candidate.id}`,
  label: candidate.name,
  detail: candidate.email,
  tag: candidate.kind === "user" ? USER_TAG : candidate.consoleUser ? PERSON_USER_TAG : PERSON_TAG,
});

/**
 * Picks an agent's owner (or backup owner) from one list of people: directory people and console
 * users, each labelled. The submitted value (`name`) is always a directory person's id, or "none".
 * Choosing a console user who is not in the directory adds them as a person (audited, person.create)
 * and selects that person; with `addPerson`, a name and email typed in the list's footer add a new
 * directory person the same way. Without candidates, the hint says what to do.
 */
export function OwnerPicker({
  id,
  name,
  label,
  candidates,
  current,
  addPerson,
  empty = { label: "None", submits: "none" },
  clearable = false,
}: {
  id: string;
  name: string;
  label: string;
  candidates: OwnerCandidate[];
  current: string | null | undefined;
  addPerson?: AddPersonAction;
  /** The first choice, nobody chosen, and what it submits: "none" clears an owner (default); a bulk edit's "Leave unchanged" submits "". */
  empty?: { label: string; submits: string };
  /** Also offer "Clear" (submits "none"), for when the empty choice leaves the owner unchanged. */
  clearable?: boolean;
}) {
  const [options, setOptions] = useState(() => [...(clearable ? [{ value: "none", label: "Clear (no one)" }] : []), ...candidates.map(toOption)]);
  const [value, setValue] = useState(current ?? "");
  const [adding, setAdding] = useState<{ name: string; email: string }>({ name: "", email: "" });
  const [status, setStatus] = useState<{ kind: "error" | "ok"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const footerId = useId();

  const create = async (person: { name: string; email: string; userId?: string }, replacing?: string) => {
    if (!addPerson) return;
    setBusy(true);
    setStatus(null);
    try {
      const result = await addPerson(null, { name: person.name, email: person.email, teamId: "", ...(person.userId ? { userId: person.userId } : {}) });
      if (!result.ok) {
        setStatus({ kind: "error", text: Object.values(result.fieldErrors ?? {}).flat()[0] ?? result.message });
        return;
      }
      const option: ComboboxOption = { value: result.data.id, label: person.name, detail: person.email.toLowerCase(), tag: person.userId ? PERSON_USER_TAG : PERSON_TAG };
      // "Clear" stays first; people are in name order.
      setOptions((current) => [...current.filter((o) => o.value === "none"), ...[...current.filter((o) => o.value !== replacing && o.value !== "none"), option].sort((a, b) => a.label.localeCompare(b.label))]);
      setValue(option.value);
      setAdding({ name: "", email: "" });
      // The list closes on the new choice: keep the keyboard in the field rather than on a hidden button.
      document.getElementById(id)?.focus();
      setStatus({ kind: "ok", text: `${person.name} was added to the directory and chosen; save to apply.` });
    } finally {
      setBusy(false);
    }
  };

  const onChange = (next: string, option: ComboboxOption | null) => {
    if (option && next.startsWith("user:")) {
      // A console user owns agents as a directory person: add them (linked to their sign-in) first.
      void create({ name: option.label, email: option.detail ?? "", userId: next.slice("user:".length) }, next);
      return;
    }
    setValue(next);
    setStatus(null);
  };

  const footer = addPerson ? (
    <fieldset className="owner-add" aria-describedby={footerId}>
      <legend>Add a person to the directory</legend>
      <p id={footerId} className="muted small">
        For owners who do not sign in to Steward. They are chosen once added.
      </p>
      <div className="field">
        <label htmlFor={`${id}-add-name`}>Name</label>
        <input
          id={`${id}-add-name`}
          value={adding.name}
          autoComplete="off"
          onChange={(event) => setAdding({ ...adding, name: event.target.value })}
          // Enter here must not submit the ownership form around the picker.
          onKeyDown={(event) => event.key === "Enter" && event.preventDefault()}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-add-email`}>Email</label>
        <input
          id={`${id}-add-email`}
          type="email"
          value={adding.email}
          autoComplete="off"
          onChange={(event) => setAdding({ ...adding, email: event.target.value })}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              void create(adding);
            }
          }}
        />
      </div>
      <button type="button" disabled={busy} onClick={() => void create(adding)}>
        {busy ? "Adding…" : "Add person"}
      </button>
    </fieldset>
  ) : null;

  return (
    <div className="owner-picker" data-testid={`owner-picker-${name}`}>
      <Combobox
        id={id}
        label={label}
        options={options}
        value={value}
        onChange={onChange}
        noneLabel={empty.label}
        placeholder="Search people by name or email"
        empty={addPerson ? "Nobody matches. Add them below." : "Nobody matches. Someone who can edit agents can add people under Agents → People & teams."}
        hint={
          candidates.length === 0
            ? addPerson
              ? "Nobody in the directory yet: open the list and add a person, or import people under Agents → Import."
              : "Nobody in the directory yet: ask someone who can edit agents to add people."
            : "Directory people and console users; type to filter."
        }
        footer={footer}
      />
      {/* What the ownership form submits: a directory person's id, or none. */}
      <input type="hidden" name={name} value={value.startsWith("user:") || value === "" ? empty.submits : value} />
      {status ? (
        <p className={status.kind === "error" ? "field-error" : "muted small"} role={status.kind === "error" ? "alert" : "status"}>
          {status.text}
        </p>
      ) : null}
    </div>
  );
}
