"use client";

export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="card" role="alertdialog" aria-labelledby="error-title">
      <h1 id="error-title">This page failed to load</h1>
      <p>Nothing was changed. {error.digest ? <span className="mono">Reference: {error.digest}</span> : null}</p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
