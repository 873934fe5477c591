"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { DataTable } from "@/components/ui/data-table";
import { countNoun } from "@/components/ui/count-noun";
import type { FormAction } from "@/lib/http/action-result";

type Row = { line: number; key: string; action: string; problems: string[] };
type Report = { applied: boolean; headerProblems: string[]; rows: Row[]; problemCount: number };

/** Preview first (every row's problems), then import — allowed only when the preview is clean. */
export function CsvImport({ title, columns, action }: { title: string; columns: string; action: FormAction<Report, Record<string, unknown>> }) {
  const router = useRouter();
  const [csv, setCsv] = useState("");
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = title.toLowerCase().replace(/\W+/g, "-");
  const run = (dryRun: boolean) =>
    startTransition(async () => {
      const result = await action(null, { csv, dryRun });
      if (!result.ok) {
        setError(result.message);
        return;
      }
      setError(null);
      setReport(result.data);
      if (result.data.applied) router.refresh();
    });
  return (
    <section className="card" aria-labelledby={`h-${id}`}>
      <h2 id={`h-${id}`}>{title}</h2>
      <p className="muted">
        Columns: <code>{columns}</code>. Lists inside a cell are separated by <code>;</code>.
      </p>
      <div className="field">
        <label htmlFor={`file-${id}`}>CSV file</label>
        <input
          id={`file-${id}`}
          type="file"
          accept=".csv,text/csv"
          onChange={async (event) => {
            const file = event.target.files?.[0];
            if (file) {
              setCsv(await file.text());
              setReport(null);
            }
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`text-${id}`}>…or paste it</label>
        <textarea
          id={`text-${id}`}
          rows={6}
          value={csv}
          onChange={(event) => {
            setCsv(event.target.value);
            setReport(null);
          }}
        />
      </div>
      <div className="inline">
        <button type="button" onClick={() => run(true)} disabled={pending || !csv.trim()}>
          Preview
        </button>
        <button type="button" className="primary" onClick={() => run(false)} disabled={pending || !report || report.problemCount > 0 || report.applied}>
          Import {report ? countNoun(report.rows.length, "row") : ""}
        </button>
      </div>
      <div aria-live="polite" role="status">
        {error ? <p className="notice error">{error}</p> : null}
        {report?.applied ? <p className="notice ok">Imported {countNoun(report.rows.length, "row")}.</p> : null}
        {report && !report.applied ? (
          <p className={`notice ${report.problemCount ? "error" : "ok"}`}>
            {report.problemCount ? `${countNoun(report.problemCount, "problem")}: fix the file and preview again. Nothing was written.` : "No problem found. Nothing is written until you import."}
          </p>
        ) : null}
      </div>
      {report ? (
        <>
          {report.headerProblems.length ? (
            <ul className="notice error">
              {report.headerProblems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          ) : null}
          <DataTable
            caption="Preview"
            rows={report.rows}
            rowKey={(row) => row.line}
            rowAttributes={(row) => ({ className: row.problems.length ? "out-of-scope" : undefined })}
            columns={[
              { header: "Line", cell: (row) => row.line },
              { header: "Row", cell: (row) => row.key },
              { header: "Would", cell: (row) => row.action },
              { header: "Problems", cell: (row) => (row.problems.length ? <ul>{row.problems.map((problem) => <li key={problem}>{problem}</li>)}</ul> : "—") },
            ]}
          />
        </>
      ) : null}
    </section>
  );
}
