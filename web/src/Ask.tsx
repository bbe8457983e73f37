// Ask a question, read the answer as it streams, follow up in the same conversation (earlier answers stay in the
// thread), click a citation or a cited table cell to see the passage in the viewer.
import { Fragment, useEffect, useRef, useState } from "react";
import { askStream, type AnswerPayload, type Citation, type DocumentInfo } from "./api";
import { CitedTable } from "./CitedTable";

/** One question and its answer in the thread; `answer` is null while it streams (or when it failed). */
export interface Turn {
  id: number;
  question: string;
  text: string;
  citations: Citation[];
  answer: AnswerPayload | null;
  error: string;
  stage?: string;  // while it streams: the server's last status (retrieving, composing, fallback…)
}

let nextTurn = 1;
export const turnOf = (question: string, answer: AnswerPayload): Turn =>
  ({ id: nextTurn++, question, text: answer.answer, citations: answer.citations, answer, error: "" });

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

function TurnView({ turn, busy, selected, onCite }: {
  turn: Turn; busy: boolean; selected: Citation | null; onCite: (c: Citation) => void;
}) {
  const a = turn.answer;
  const state = turn.error ? "error" : a ? "done" : "streaming";
  return (
    <li className="turn" data-testid="turn" data-state={state} aria-busy={busy}>
      <p className="turn-question" data-testid="turn-question">{turn.question}</p>
      {a?.resolved_question && a.resolved_question !== turn.question && (
        <p className="muted resolved" data-testid="resolved-question">Answered as: “{a.resolved_question}”</p>
      )}
      {turn.error && <p className="error" role="alert">{turn.error}</p>}
      {!a && !turn.error && turn.stage && <p className="muted turn-status" data-testid="turn-status">{turn.stage}…</p>}
      <div aria-live="polite">
        {a?.abstained && <p className="muted">The documents do not clearly answer this.</p>}
        {(turn.text || !a) && !turn.error && <AnswerText text={turn.text} citations={turn.citations} onCite={onCite} />}
      </div>
      {a?.table && a.table.rows.length > 0 && (
        <CitedTable table={a.table} citations={turn.citations} onCite={onCite} selected={selected}
                    label={`Table for: ${turn.question}`} />
      )}
      {a && (a.warnings?.length ?? 0) > 0 && (
        <ul className="answer-warnings" data-testid="answer-warnings">
          {a.warnings!.map((w, i) => <li key={i}>⚠ {w}</li>)}
        </ul>
      )}
      {a?.abstained && (a.closest?.length ?? 0) > 0 && (
        <section className="closest" data-testid="closest" aria-labelledby={`closest-${turn.id}`}>
          <h3 id={`closest-${turn.id}`} className="closest-title">Closest passages</h3>
          <p className="muted">They may not answer the question: read them before relying on them.</p>
          <ol className="citations">
            {a.closest!.map((c) => (
              <li key={c.key}>
                <button type="button" className={`citation closest-passage${selected === c ? " selected" : ""}`}
                        data-testid="closest-passage" data-key={c.key} onClick={() => onCite(c)}
                        aria-label={`Show closest passage ${c.key} (may not answer): ${c.document}, page ${c.page}`}>
                  <span className="cite-head">{c.document}, page {c.page}</span>
                  <span className="quote" data-testid="closest-quote">{c.quote}</span>
                </button>
              </li>
            ))}
          </ol>
        </section>
      )}
      {turn.citations.length > 0 && (
        <ol className="citations">
          {turn.citations.map((c) => (
            <li key={c.key}>
              <button type="button" className={`citation${selected === c ? " selected" : ""}`}
                      data-testid="citation" data-key={c.key} onClick={() => onCite(c)}>
                <span className="cite-head">[{c.key}] {c.document}, page {c.page}</span>
                <span className="quote" data-testid="citation-quote">{c.quote}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
      {a && (
        <p className="answered-by muted" data-testid="answered-by">
          Answered by <strong>{a.answered_by ?? "extractive"}</strong>
          {a.kind && a.kind !== "lookup" ? ` · ${a.kind.replace("_", " ")}` : ""}
        </p>
      )}
    </li>
  );
}

export function Ask({ workspace, documents, turns, setTurns, conversationId, setConversationId, onAnswered,
  onNewConversation, onExport, title, selected, onCite }: {
  workspace: string;
  documents: DocumentInfo[];
  turns: Turn[];
  setTurns: (f: (t: Turn[]) => Turn[]) => void;
  conversationId: string | null;
  setConversationId: (id: string | null) => void;
  onAnswered: () => void;
  onNewConversation: () => void;
  onExport: () => void;
  title: string;
  selected: Citation | null;
  onCite: (c: Citation) => void;
}) {
  const [question, setQuestion] = useState("");
  const [busy, setBusy] = useState(false);
  const [only, setOnly] = useState<string[]>([]);  // document filter: [] = all documents (routed by the question)
  const endRef = useRef<HTMLDivElement>(null);
  const shown = useRef(turns);  // the thread on screen now (another conversation may be opened mid-answer)
  shown.current = turns;

  useEffect(() => { setOnly([]); }, [workspace]);
  // a removed document leaves the filter
  useEffect(() => { setOnly((o) => o.filter((id) => documents.some((d) => d.id === id))); }, [documents]);
  useEffect(() => { endRef.current?.scrollIntoView({ block: "nearest" }); }, [turns.length]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const q = question.trim();
    if (!q || busy) return;
    const id = nextTurn++;
    const patch = (p: Partial<Turn>) => setTurns((ts) => ts.map((t) => (t.id === id ? { ...t, ...p } : t)));
    setBusy(true);
    setQuestion("");
    setTurns((ts) => [...ts, { id, question: q, text: "", citations: [], answer: null, error: "" }]);
    try {
      await askStream(workspace, q, {
        onStatus: (s) => patch({ stage: s.warning ? `${s.stage}: ${s.warning}` : s.stage }),
        onDelta: (t) => setTurns((ts) => ts.map((x) => (x.id === id ? { ...x, text: x.text + t } : x))),
        onCitations: (c) => patch({ citations: c }),
        onDone: (a) => {
          patch({ answer: a, text: a.answer, citations: a.citations });
          if (a.conversation_id && shown.current.some((t) => t.id === id)) setConversationId(a.conversation_id);
          onAnswered();
        },
        onError: (m) => {
          // the conversation was deleted meanwhile (another tab, the CLI): the next question starts a new one
          const gone = conversationId !== null && /no conversation/.test(m);
          patch({ error: gone ? `${m}. It was deleted; ask again to start a new conversation.` : m });
          if (gone) { setConversationId(null); onAnswered(); }
        },
      }, only, conversationId);
    } catch (err) {
      patch({ error: (err as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="ask" aria-labelledby="ask-title">
      <div className="thread-head">
        <h2 id="ask-title" className="sr-only">Ask</h2>
        {turns.length > 0 && (
          <span className="thread-actions">
            <span className="muted conv-title" data-testid="thread-title">{title}</span>
            {conversationId && (
              <button type="button" className="secondary" onClick={onExport} data-testid="export-md">
                Export Markdown
              </button>
            )}
            <button type="button" className="secondary" onClick={onNewConversation} disabled={busy}
                    data-testid="new-conversation">New conversation</button>
          </span>
        )}
      </div>
      {turns.length > 0 && (
        <ol className="thread" data-testid="thread" data-conversation={conversationId ?? ""}>
          {turns.map((t, i) => (
            <TurnView key={t.id} turn={t} busy={busy && i === turns.length - 1} selected={selected} onCite={onCite} />
          ))}
        </ol>
      )}
      <div ref={endRef} />
      <form onSubmit={submit} className="ask-form">
        <label htmlFor="question" className="sr-only">{turns.length ? "Follow-up question" : "Question"}</label>
        <input id="question" value={question} onChange={(e) => setQuestion(e.target.value)}
               placeholder={turns.length ? "Ask a follow-up…" : "e.g. What is the notice period for termination?"}
               autoComplete="off" />
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
    </div>
  );
}
