import type { CSSProperties, ReactNode } from "react";

/**
 * Loading placeholders shaped like the page that is coming (loading.tsx files). The region is
 * `aria-busy` with a status message, so a screen reader hears "Loading <page>…" rather than nothing;
 * the blocks themselves are decorative (aria-hidden). The pulse stops under prefers-reduced-motion
 * (app/globals.css).
 */
export function SkeletonPage({ label, title, children }: { label: string; title?: string; children: ReactNode }) {
  return (
    <div className="skeleton-page" aria-busy="true" data-skeleton="page">
      <p role="status" className="visually-hidden">
        {`Loading ${label}…`}
      </p>
      <div className="page-header">
        <div style={{ inlineSize: "100%" }}>
          {title ? <h1>{title}</h1> : <span className="skeleton skeleton-title" aria-hidden="true" />}
          <span className="skeleton skeleton-line" style={{ inlineSize: "min(34rem, 90%)" }} aria-hidden="true" />
        </div>
      </div>
      <div aria-hidden="true" className="skeleton-page">
        {children}
      </div>
    </div>
  );
}

export function SkeletonBlock({ height = "12rem", width, className }: { height?: string; width?: string; className?: string }) {
  const style: CSSProperties = { blockSize: height, inlineSize: width };
  return <span className={["skeleton", className].filter(Boolean).join(" ")} style={style} />;
}

export function SkeletonLines({ count = 3 }: { count?: number }) {
  return (
    <>
      {Array.from({ length: count }, (_, index) => (
        <span key={index} className="skeleton skeleton-line" style={{ inlineSize: `${90 - ((index * 17) % 40)}%` }} />
      ))}
    </>
  );
}

/** A card with a heading bar and a table of `rows` rows; `label` (when used alone, outside SkeletonPage) is announced as "Loading <label>…". */
/** A card while its content loads: `lines` text lines (a form, facts), or else one block `height` tall (a chart). */
export function SkeletonCard({ lines, height = "12rem" }: { lines?: number; height?: string }) {
  return <div className="card">{lines ? <SkeletonLines count={lines} /> : <SkeletonBlock height={height} />}</div>;
}

export function SkeletonTable({ rows = 8, label }: { rows?: number; label?: string }) {
  return (
    <div className="card" aria-busy={label ? true : undefined}>
      {label ? (
        <p role="status" className="visually-hidden">
          {`Loading ${label}…`}
        </p>
      ) : null}
      <span className="skeleton skeleton-line" style={{ inlineSize: "12rem" }} />
      {Array.from({ length: rows }, (_, index) => (
        <span key={index} className="skeleton skeleton-row" />
      ))}
    </div>
  );
}

/** A grid of `count` cards, each a heading bar and a few lines, as on the Overview. */
export function SkeletonCards({ count = 4, className = "overview-grid" }: { count?: number; className?: string }) {
  return (
    <div className={className}>
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="card overview-card">
          <span className="skeleton skeleton-line" style={{ inlineSize: "8rem" }} />
          <SkeletonBlock height="5rem" />
          <SkeletonLines count={2} />
        </div>
      ))}
    </div>
  );
}
