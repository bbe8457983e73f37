// The document viewer: a whole document page by page (prev/next, a page number, zoom), opened from the document
// list at page 1 or from a citation (or a cited table cell) at its pages with the passage highlighted.
import { useEffect, useState } from "react";
import { api, type Citation, type DocumentInfo } from "./api";
import { citedPages, PdfView } from "./PdfView";

/** What to show: a document, and optionally the citation to highlight in it. `seq` makes a repeat click count. */
export interface ViewTarget { documentId: string; citation: Citation | null; seq: number }

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3];

export function Viewer({ workspace, documents, target }: {
  workspace: string; documents: DocumentInfo[]; target: ViewTarget | null;
}) {
  const doc = target ? documents.find((d) => d.id === target.documentId) : undefined;
  const citation = target?.citation ?? null;
  const [pages, setPages] = useState<number[]>([1]);
  const [zoom, setZoom] = useState(1);
  const [draft, setDraft] = useState("1");
  const total = Math.max(1, doc?.pages ?? 1);

  useEffect(() => { setPages(citation ? citedPages(citation) : [1]); }, [target?.seq]);
  useEffect(() => { setDraft(String(pages[0])); }, [pages]);

  const go = (n: number) => setPages([Math.min(total, Math.max(1, Math.round(n)))]);
  const zoomBy = (step: number) => {
    const i = ZOOMS.indexOf(zoom);
    setZoom(ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, (i < 0 ? 2 : i) + step))]);
  };
  const first = pages[0];
  const last = pages[pages.length - 1];
  const isPdf = doc?.kind === "pdf";

  let title = "Document viewer";
  if (citation) title = `[${citation.key}] ${citation.document} — page ${citation.page}`;
  else if (doc) title = doc.name;

  return (
    <section className="panel viewer" aria-labelledby="viewer-title" data-testid="viewer">
      <div className="viewer-head">
        <h2 id="viewer-title">{title}</h2>
        {!target && <p className="muted">Click a citation to see the passage in its document, or open a document.</p>}
        {target && !doc && <p className="muted">This document has been removed.</p>}
        {doc && (
          <div className="viewer-bar" role="toolbar" aria-label="Page navigation and zoom">
            {isPdf && (
              <>
                <button type="button" onClick={() => go(first - 1)} disabled={first <= 1}
                        data-testid="viewer-prev" aria-label="Previous page">‹ Prev</button>
                <form className="inline-form" noValidate
                      onSubmit={(e) => { e.preventDefault(); go(Number(draft) || first); }}>
                  <label htmlFor="viewer-page">Page</label>
                  <input id="viewer-page" type="number" min={1} max={total} value={draft} data-testid="viewer-page"
                         onChange={(e) => setDraft(e.target.value)}
                         onBlur={() => { if (Number(draft) !== first) go(Number(draft) || first); }} />
                  <span className="muted" data-testid="viewer-total">of {total}</span>
                </form>
                <button type="button" onClick={() => go(last + 1)} disabled={last >= total}
                        data-testid="viewer-next" aria-label="Next page">Next ›</button>
              </>
            )}
            <span className="zoom">
              <button type="button" onClick={() => zoomBy(-1)} disabled={zoom <= ZOOMS[0]}
                      data-testid="zoom-out" aria-label="Zoom out">−</button>
              <button type="button" className="link" onClick={() => setZoom(1)} data-testid="zoom-level"
                      aria-label={`Zoom ${Math.round(zoom * 100)} %, reset to fit`}>{Math.round(zoom * 100)}%</button>
              <button type="button" onClick={() => zoomBy(1)} disabled={zoom >= ZOOMS[ZOOMS.length - 1]}
                      data-testid="zoom-in" aria-label="Zoom in">+</button>
            </span>
          </div>
        )}
      </div>
      {doc && (isPdf
        ? <PdfView workspace={workspace} documentId={doc.id} name={doc.name} version={doc.sha256}
                   pages={pages} zoom={zoom} citation={citation} />
        : <TextView workspace={workspace} documentId={doc.id} citation={citation} zoom={zoom} />)}
    </section>
  );
}

/** A text document (DOCX, TXT, MD) in full, the cited span marked and scrolled to. */
function TextView({ workspace, documentId, citation, zoom }: {
  workspace: string; documentId: string; citation: Citation | null; zoom: number;
}) {
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    setText(null);
    api.documentText(workspace, documentId).then((d) => setText(d.text), () => setText(""));
  }, [workspace, documentId]);
  useEffect(() => { document.querySelector(".text-view mark")?.scrollIntoView({ block: "center" }); }, [text, citation]);
  if (text === null) return <p className="muted">Loading text…</p>;
  const style = { fontSize: `${0.9 * zoom}rem` };
  if (!citation) return <pre className="text-view" style={style}>{text}</pre>;
  return (
    <pre className="text-view" style={style}>
      {text.slice(0, citation.start)}
      <mark className="hl-text">{text.slice(citation.start, citation.end)}</mark>
      {text.slice(citation.end)}
    </pre>
  );
}
