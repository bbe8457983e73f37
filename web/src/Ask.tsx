// Ask a question, read the answer as it streams, click a citation to see the cited passage.
import { Fragment, useEffect, useState } from "react";
import { askStream, api, type AnswerPayload, type Citation, type DocumentInfo } from "./api";
import { PdfView } from "./PdfView";

function TextView({ workspace, citation }: { workspace: string; citation: Citation }) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    api.documentText(workspace, citation.document_id).then((d) => setText(d.text), () => setText(null));
  }, [workspace, citation.document_id]);
  useEffect(() => { document.querySelector(".text-view mark")?.scrollIntoView({ block: "center" }); }, [text]);
  if (text === null) return <p className="muted">Loading text…</p>;
  const from = Math.max(0, citation.start - 600);
  const to = Math.min(text.length, citation.end + 600);
  return (
    <pre className="text-view">
      {from > 0 && "…"}{text.slice(from, citation.start)}
      <mark className="hl-text">{text.slice(citation.start, citation.end)}</mark>
      {text.slice(citation.end, to)}{to < text.length && "…"}
    </pre>
  );
}

/** The answer text with its [n] markers turned into citation buttons. */
function AnswerText({ text, citations, onCite }: { text: string; citations: Citation[]; onCite: (c: Citation) => void }) {
  const parts = text.split(/(\[\d+\])/g);
  return (
    <p className="answer" data-testid="answer">
      {parts.map((part, i) => {
        const m = part.match(/^\[(\d+)\]$/);
        const c = m && citations.find((x) => x.key === Number(m[1]));
        return c ? (
          <button key={i} type="button" className="cite-marker" onClick={() => onCite(c)}
                  aria-label={`Show citation ${c.key}: ${c.document}, page ${c.page}`}>
            [{c.key}]
          </button>
        ) : <Fragment key={i}>{part}</Fragment>;
      })}
    </p>
  );
}

export function Ask({ workspace, documents }: { workspace: string; documents: DocumentInfo[] }) {
  const [question, setQuestion] = useState("");
  const [answer, setAnswer] = useState("");
  const [result, setResult] = useState<AnswerPayload | null>(null);
  const [citations, setCitations] = useState<Citation[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [selected, setSelected] = useState<Citation | null>(null);
  const [only, setOnly] = useState<string[]>([]);  // document filter: [] = all documents (routed by the question)

  useEffect(() => { setAnswer(""); setResult(null); setCitations([]); setSelected(null); setOnly([]); }, [workspace]);
  // a removed document leaves the filter
  useEffect(() => { setOnly((o) => o.filter((id) => documents.some((d) => d.id === id))); }, [documents]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!question.trim() || busy) return;
    setBusy(true); setAnswer(""); setResult(null); setCitations([]); setSelected(null); setError("");
    try {
      await askStream(workspace, question.trim(), {
        onDelta: (t) => setAnswer((a) => a + t),
        onCitations: setCitations,
        onDone: (a) => { setResult(a); setAnswer(a.answer); setCitations(a.citations); },
        onError: setError,
      }, only);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const docOf = (c: Citation) => documents.find((d) => d.id === c.document_id);

  return (
    <>
      <section className="panel" aria-labelledby="ask-title">
        <h2 id="ask-title">Ask</h2>
        <form onSubmit={submit} className="ask-form">
          <label htmlFor="question" className="sr-only">Question</label>
          <input id="question" value={question} onChange={(e) => setQuestion(e.target.value)}
                 placeholder="e.g. What is the notice period for termination?" autoComplete="off" />
          <button type="submit" disabled={busy || !question.trim()}>{busy ? "Answering…" : "Ask"}</button>
        </form>
        {documents.length > 1 && (
          <div className="doc-picker">
            <label htmlFor="ask-docs">Search in</label>
            <select id="ask-docs" multiple size={Math.min(4, documents.length)} value={only}
                    data-testid="doc-picker" aria-describedby="ask-docs-help"
                    onChange={(e) => setOnly([...e.target.selectedOptions].map((o) => o.value))}>
              {documents.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
            </select>
            <span id="ask-docs-help" className="muted">
              {only.length ? `${only.length} of ${documents.length} documents` : "all documents"}
              {only.length > 0 && <button type="button" className="link" onClick={() => setOnly([])}>all</button>}
            </span>
          </div>
        )}
        {error && <p className="error" role="alert">{error}</p>}
        {(answer || busy) && (
          <div aria-live="polite" aria-busy={busy}>
            {result?.abstained && <p className="muted">The documents do not clearly answer this.</p>}
            <AnswerText text={answer} citations={citations} onCite={setSelected} />
          </div>
        )}
        {citations.length > 0 && (
          <ol className="citations">
            {citations.map((c) => (
              <li key={c.key}>
                <button type="button" className={`citation${selected?.key === c.key ? " selected" : ""}`}
                        data-testid="citation" data-key={c.key} onClick={() => setSelected(c)}>
                  <span className="cite-head">[{c.key}] {c.document}, page {c.page}</span>
                  <span className="quote" data-testid="citation-quote">{c.quote}</span>
                </button>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="panel viewer" aria-labelledby="viewer-title">
        <h2 id="viewer-title">
          {selected ? `[${selected.key}] ${selected.document} — page ${selected.page}` : "Cited passage"}
        </h2>
        {!selected && <p className="muted">Click a citation to see the passage in its document.</p>}
        {selected && !docOf(selected) && <p className="muted">This document has been removed.</p>}
        {selected && docOf(selected) && (docOf(selected)!.kind === "pdf"
          ? <PdfView workspace={workspace} citation={selected} version={docOf(selected)!.sha256} />
          : <TextView workspace={workspace} citation={selected} />)}
      </section>
    </>
  );
}
