import type { ReactNode } from "react";

/** Says what is missing and what to do next. */
export function EmptyState({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <section className="card empty-state" aria-label={title}>
      <h2>{title}</h2>
      <div>{children}</div>
      {action ? <div style={{ marginTop: "1rem" }}>{action}</div> : null}
    </section>
  );
}
