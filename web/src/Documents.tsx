// Upload (drag-and-drop or file picker) with per-file ingestion progress, and the document list.
import { useEffect, useRef, useState } from "react";
import { api, type DocumentInfo } from "./api";

interface UploadRow {
  id: number;
  name: string;
  phase: "uploading" | "queued" | "running" | "done" | "duplicate" | "error";
  progress: number;
  stage: string;
  message: string;
  jobId: string | null;
}

let nextRow = 1;

export function Documents({
  workspace, documents, onChanged, onRemove, onOpen,
}: {
  workspace: string;
  documents: DocumentInfo[];
  onChanged: () => void;
  onRemove: (doc: DocumentInfo) => void;
  onOpen: (doc: DocumentInfo) => void;
}) {
  const [rows, setRows] = useState<UploadRow[]>([]);
  const [confirming, setConfirming] = useState<string | null>(null);  // the document whose Remove awaits a yes
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const update = (id: number, patch: Partial<UploadRow>) =>
    setRows((rs) => rs.map((r) => (r.id === id ? { ...r, ...patch } : r)));

  useEffect(() => { setRows([]); setConfirming(null); }, [workspace]);
  const finished = (r: UploadRow) => r.phase === "done" || r.phase === "duplicate" || r.phase === "error";
  // Clearing the log keeps the uploads still in flight (their progress is still news).
  const clearLog = () => setRows((rs) => rs.filter((r) => !finished(r)));

  // Poll the jobs of rows still being ingested.
  const active = rows.filter((r) => r.jobId && (r.phase === "queued" || r.phase === "running"));
  useEffect(() => {
    if (active.length === 0) return;
    const timer = setInterval(async () => {
      for (const row of active) {
        try {
          const job = await api.job(workspace, row.jobId!);
          if (job.status === "done") {
            update(row.id, { phase: "done", progress: 1, message: job.result === "ingested" ? `${job.pages} page${job.pages === 1 ? "" : "s"}, ${job.chunks} chunk${job.chunks === 1 ? "" : "s"}` : job.result ?? "" });
            onChanged();
          } else if (job.status === "error") {
            update(row.id, { phase: "error", message: job.error ?? "ingestion failed" });
          } else {
            update(row.id, { phase: job.status, progress: job.progress, stage: job.stage });
          }
        } catch (e) {
          update(row.id, { phase: "error", message: (e as Error).message });
        }
      }
    }, 400);
    return () => clearInterval(timer);
  }, [active.map((r) => `${r.id}:${r.phase}:${r.progress}`).join(","), workspace]);

  async function uploadAll(files: FileList | File[]) {
    for (const file of Array.from(files)) {
      const id = nextRow++;
      setRows((rs) => [
        { id, name: file.name, phase: "uploading", progress: 0, stage: "uploading", message: "", jobId: null },
        ...rs,
      ]);
      try {
        const { files: [result] } = await api.upload(workspace, file, (f) => update(id, { progress: f }));
        if (result.status === "queued") {
          update(id, { phase: "queued", jobId: result.job_id, stage: "queued", progress: 0 });
        }
        else update(id, { phase: result.status, message: result.error ?? "" });
      } catch (e) {
        update(id, { phase: "error", message: (e as Error).message });
      }
    }
  }

  return (
    <section className="panel" aria-labelledby="docs-title">
      <h2 id="docs-title">Documents</h2>
      <div
        className={`dropzone${dragging ? " dragging" : ""}`}
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => { e.preventDefault(); setDragging(false); uploadAll(e.dataTransfer.files); }}
      >
        <p>Drop PDF, DOCX, TXT or MD files here</p>
        <button type="button" onClick={() => inputRef.current?.click()}>Choose files…</button>
        <input
          ref={inputRef} type="file" multiple hidden data-testid="file-input"
          accept=".pdf,.docx,.txt,.md,application/pdf"
          onChange={(e) => { if (e.target.files) uploadAll(e.target.files); e.target.value = ""; }}
        />
      </div>

      {rows.length > 0 && (
        <div className="log-head">
          <h3 id="log-title">Upload log</h3>
          <button type="button" className="secondary" onClick={clearLog} disabled={!rows.some(finished)}
                  data-testid="clear-log">Clear log</button>
        </div>
      )}
      {rows.length > 0 && (
        <ul className="uploads" aria-live="polite" aria-labelledby="log-title">
          {rows.map((r) => (
            <li key={r.id} className={`upload ${r.phase}`} data-testid="upload-row" data-phase={r.phase}>
              <span className="name">{r.name}</span>
              {(r.phase === "queued" || r.phase === "running" || r.phase === "uploading") && (
                <progress max={1} value={r.progress} aria-label={`${r.name} ${r.phase}`} />
              )}
              <span className="status">
                {r.phase === "running" || r.phase === "uploading"
                  ? `${r.stage} ${Math.round(r.progress * 100)}%` : r.phase}
                {r.message && ` — ${r.message}`}
              </span>
            </li>
          ))}
        </ul>
      )}

      {documents.length === 0 ? (
        <p className="muted">No documents in this workspace yet.</p>
      ) : (
        <ul className="docs">
          {documents.map((d) => (
            <li key={d.id} data-testid="document">
              <span className="name" title={d.sha256}>{d.name}</span>
              <span className="muted">{d.kind.toUpperCase()} · {d.pages} p · {d.chunks} chunk{d.chunks === 1 ? "" : "s"}</span>
              {confirming === d.id ? (
                <span className="confirm" role="group" aria-label={`Remove ${d.name}?`} data-testid="confirm-remove">
                  <span>Remove {d.name} and its index?</span>
                  <button type="button" className="danger" onClick={() => { setConfirming(null); onRemove(d); }}
                          aria-label={`Yes, remove ${d.name}`}>Remove</button>
                  <button type="button" className="secondary" onClick={() => setConfirming(null)}>Cancel</button>
                </span>
              ) : (
                <span className="doc-actions">
                  <button type="button" className="secondary" onClick={() => onOpen(d)} aria-label={`Open ${d.name}`}>
                    Open
                  </button>
                  <button type="button" className="danger" onClick={() => setConfirming(d.id)}
                          aria-label={`Remove ${d.name}`}>Remove</button>
                </span>
              )}
              {d.warnings && d.warnings.length > 0 && (
                <ul className="doc-warnings" data-testid="doc-warnings">
                  {d.warnings.map((w, i) => (
                    <li key={i} className={`warn warn-${w.kind}`} data-kind={w.kind}>
                      {w.kind === "injection" ? "⚠ Possible prompt injection" : `⚠ ${w.kind}`}
                      {w.page ? ` (page ${w.page})` : ""}: {w.message}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
