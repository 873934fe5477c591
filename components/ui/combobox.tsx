"use client";

import { useId, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from "react";

/** One choice: `value` is submitted, `label` shown and matched; `detail` (e.g. an email) is matched too; `tag` says what kind it is. */
export type ComboboxOption = { value: string; label: string; detail?: string; tag?: string };

/** How many matches are listed at once; typing narrows the rest (the count says how many are hidden). */
const MAX_SHOWN = 50;

const matches = (option: ComboboxOption, text: string) => {
  const needle = text.trim().toLowerCase();
  return !needle || option.label.toLowerCase().includes(needle) || (option.detail?.toLowerCase().includes(needle) ?? false) || option.value.toLowerCase() === needle;
};

/**
 * A searchable single-choice field (WAI-ARIA APG "combobox with listbox popup", list autocomplete):
 * type to filter, ArrowDown/ArrowUp move through the matches, Enter picks the highlighted one,
 * Escape closes the list (a second Escape restores the chosen value's label), Tab leaves. The chosen
 * value is submitted under `name` through a hidden input, so it works inside any form.
 *
 * Controlled when `value` is given (with `onChange`), otherwise starts at `defaultValue`.
 * `empty` is shown when nothing matches (say what to do); `footer` sits under the list (e.g. an
 * inline "add" form) and is reachable with Tab. `noneLabel` adds a first option with value "".
 * For a list too long to send whole, pass `onSearch` (called with the typed text) and give the
 * server's matches as `options` (with `selectedLabel` for the chosen one): they are not filtered
 * again here; `busy` announces a search in flight.
 */
export function Combobox({
  id,
  name,
  label,
  options,
  value,
  defaultValue = "",
  onChange,
  placeholder = "Type to search",
  noneLabel,
  empty,
  footer,
  hint,
  onSearch,
  selectedLabel,
  busy,
}: {
  id: string;
  name?: string;
  label: string;
  options: ComboboxOption[];
  value?: string;
  defaultValue?: string;
  onChange?: (value: string, option: ComboboxOption | null) => void;
  placeholder?: string;
  noneLabel?: string;
  empty?: ReactNode;
  footer?: ReactNode;
  hint?: ReactNode;
  onSearch?: (text: string) => void;
  selectedLabel?: string;
  busy?: boolean;
}) {
  const listId = useId();
  const hintId = useId();
  const [ownValue, setOwnValue] = useState(defaultValue);
  const selected = value ?? ownValue;
  const all = useMemo(() => (noneLabel !== undefined ? [{ value: "", label: noneLabel }, ...options] : options), [noneLabel, options]);
  const selectedOption = all.find((option) => option.value === selected) ?? (selected && selectedLabel ? { value: selected, label: selectedLabel } : null);
  const [text, setText] = useState<string | null>(null); // null: not typing, show the chosen label
  const [open, setOpen] = useState(false);
  // A value chosen from outside (e.g. a person added in the footer) ends the search: show its label, close.
  const [shownValue, setShownValue] = useState(selected);
  if (shownValue !== selected) {
    setShownValue(selected);
    setText(null);
    setOpen(false);
  }
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const filtered = onSearch ? all : all.filter((option) => matches(option, text ?? ""));
  const shown = filtered.slice(0, MAX_SHOWN);
  const activeIndex = Math.min(active, shown.length - 1);
  const optionId = (index: number) => `${listId}-option-${index}`;

  const choose = (option: ComboboxOption) => {
    if (value === undefined) setOwnValue(option.value);
    onChange?.(option.value, option.value === "" ? null : option);
    setText(null);
    setOpen(false);
  };
  const show = (index = 0) => {
    setOpen(true);
    setActive(index);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) show(Math.max(0, shown.findIndex((option) => option.value === selected)));
      else setActive(Math.min(activeIndex + 1, shown.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) show(Math.max(0, shown.length - 1));
      else setActive(Math.max(activeIndex - 1, 0));
    } else if (event.key === "Home" && open) {
      event.preventDefault();
      setActive(0);
    } else if (event.key === "End" && open) {
      event.preventDefault();
      setActive(shown.length - 1);
    } else if (event.key === "Enter") {
      // Enter picks; it must not submit the surrounding form while the list is open.
      if (open) {
        event.preventDefault();
        const option = shown[activeIndex];
        if (option) choose(option);
      }
    } else if (event.key === "Escape") {
      if (open) {
        event.preventDefault();
        event.stopPropagation();
        setOpen(false);
      } else if (text !== null) {
        event.preventDefault();
        setText(null);
      }
    }
  };

  return (
    <div
      className="field combobox"
      onBlur={(event) => {
        // Focus moving within (the input, the footer) keeps the list open; anywhere else closes it.
        if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return;
        setOpen(false);
        setText(null);
      }}
    >
      <label htmlFor={id}>{label}</label>
      <input
        ref={input}
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open && shown.length ? optionId(activeIndex) : undefined}
        aria-describedby={hint ? hintId : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={text ?? (selectedOption?.value ? selectedOption.label : "")}
        onChange={(event) => {
          setText(event.target.value);
          onSearch?.(event.target.value);
          show(0);
        }}
        onFocus={(event) => event.target.select()}
        onClick={() => (open ? setOpen(false) : show(Math.max(0, shown.findIndex((option) => option.value === selected))))}
        onKeyDown={onKeyDown}
      />
      {name ? <input type="hidden" name={name} value={selected} /> : null}
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {selectedOption?.value && selectedOption.tag ? <span className="hint">{`${selectedOption.tag}${selectedOption.detail ? ` · ${selectedOption.detail}` : ""}`}</span> : null}
      <div
        className="combobox-popup"
        hidden={!open}
        onKeyDown={(event) => {
          // Escape from the footer closes the list and returns to the field.
          if (event.key !== "Escape") return;
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
          input.current?.focus();
        }}
      >
        <ul id={listId} role="listbox" aria-label={label}>
          {shown.map((option, index) => (
            <li
              key={option.value || "none"}
              id={optionId(index)}
              role="option"
              aria-selected={option.value === selected}
              data-active={index === activeIndex ? "true" : undefined}
              // Keep focus in the input: a click picks without blurring first.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => choose(option)}
            >
              <span className="combobox-label">{option.label}</span>
              {option.detail ? <span className="muted small"> {option.detail}</span> : null}
              {option.tag ? <span className="badge combobox-tag">{option.tag}</span> : null}
            </li>
          ))}
        </ul>
        {busy ? (
          <p className="muted small" role="status">
            Searching…
          </p>
        ) : shown.length === 0 ? (
          <p className="muted small combobox-empty" role="status">
            {empty ?? "Nothing matches."}
          </p>
        ) : filtered.length > shown.length ? (
          <p className="muted small" role="status">
            {filtered.length - shown.length} more: keep typing to narrow.
          </p>
        ) : null}
        {footer ? <div className="combobox-footer">{footer}</div> : null}
      </div>
    </div>
  );
}
