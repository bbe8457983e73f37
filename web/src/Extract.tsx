// Clause extraction over the workspace: choose fields, get a table with one cited cell per document and field,
// click a cell to see its passage, download the table as CSV.
import { useEffect, useState } from "react";
import { api, ApiError, saveBlob, type Citation, type DocumentInfo, type ExtractField, type ExtractResult } from "./api";
import { CitedTable, tableCsv } from "./CitedTable";

export function Extract({ workspace, documents, selected, onCite }: {
  workspace: string; documents: DocumentInfo[]; selected: Citation | null; onCite: (c: Citation) => void;
}) {
  const [fields, setFields] = useState<ExtractField[] | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [only, setOnly] = useState<string[]>([]);
  const [result, setResult] = useState<ExtractResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  useEffect(() => {
    setResult(null); setOnly([]); setError("");
    api.extractFields(workspace).then(setFields, (e) => {
      setFields([]);
      setError(e instanceof ApiError && e.status === 404 ? "This server does not offer clause extraction."
        : (e as Error).message);
    });
  }, [workspace]);
  useEffect(() => { setOnly((o) => o.filter((id) => documents.some((d) => d.id === id))); }, [documents]);

  async function run(e: React.FormEvent) {
    e.preventDefault();
    if (!chosen.length || busy) return;
    setBusy(true); setError("");
    try {
      setResult(await api.extract(workspace, chosen, only.length ? only : null));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const toggle = (name: string) =>
    setChosen((c) => (c.includes(name) ? c.filter((x) => x !== name) : [...c, name]));

  return (
    <div className="extract" aria-labelledby="extract-title">
      <h2 id="extract-title">Extract clauses</h2>
      {fields && fields.length > 0 && (
        <form onSubmit={run}>
          <fieldset className="fields" data-testid="extract-fields">
            <legend>Fields</legend>
            {fields.map((f) => (
              <label key={f.name} title={f.description}>
                <input type="checkbox" value={f.name} checked={chosen.includes(f.name)}
                       onChange={() => toggle(f.name)} /> {f.label}
              </label>
            ))}
          </fieldset>
          {documents.length > 1 && (
            <div className="doc-picker">
              <label htmlFor="extract-docs">Documents</label>
              <select id="extract-docs" multiple size={Math.min(4, documents.length)} value={only}
                      data-testid="extract-doc-picker"
                      onChange={(e) => setOnly([...e.target.selectedOptions].map((o) => o.value))}>
                {documents.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
              </select>
              <span className="muted">{only.length ? `${only.length} of ${documents.length}` : "all documents"}</span>
            </div>
          )}
          <p>
            <button type="submit" disabled={busy || chosen.length === 0 || documents.length === 0}
                    data-testid="extract-run">{busy ? "Extracting…" : "Extract"}</button>
            {documents.length === 0 && <span className="muted"> Upload documents first.</span>}
          </p>
        </form>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {result && (
        <div data-testid="extract-result">
          <CitedTable table={result.table} citations={result.citations} onCite={onCite} selected={selected}
                      label="Extracted clauses" />
          <button type="button" className="secondary" data-testid="extract-csv"
                  onClick={() => saveBlob(new Blob([tableCsv(result.table, result.citations)], { type: "text/csv" }),
                                          `${workspace}-clauses.csv`)}>
            Download CSV
          </button>
        </div>
      )}
    </div>
  );
}
