import Link from "next/link";

const count = (value: number) => value.toLocaleString("en");

/**
 * Where a page of a list sits: "1–50 of 12,345" when the total is known cheaply (a count or a rollup), or
 * "1–50 of more" when counting would cost a scan (the decisions table): then only "Next" says more exist.
 * `first` is 1-based, or undefined on a page reached by a cursor (its position is not known without a count);
 * `shown` is the number of rows on this page. Links are plain hrefs (server-rendered).
 */
export function Pagination({ first, shown, total, previousHref, nextHref, label = "Pages", noun = "Rows" }: { first: number | undefined; shown: number; total?: number; previousHref?: string; nextHref?: string; label?: string; noun?: string }) {
  const text =
    shown === 0
      ? `${noun}: none on this page`
      : first === undefined
        ? `${noun}: ${count(shown)} on this page${nextHref ? ", more follow" : ", the last"}`
        : `${noun} ${count(first)}–${count(first + shown - 1)} of ${total !== undefined ? count(total) : nextHref ? "more" : count(first + shown - 1)}`;
  return (
    <nav className="pagination" aria-label={label}>
      <p className="pagination-range muted" aria-live="polite">
        {text}
      </p>
      <div className="pagination-links">
        {previousHref ? <Link href={previousHref}>← Previous</Link> : null}
        {nextHref ? <Link href={nextHref}>Next →</Link> : null}
      </div>
    </nav>
  );
}
