// Renders the cited page with pdf.js and draws the citation's highlight boxes over it.
// The worker is bundled by Vite (?url import): nothing is fetched from outside the local server.
import { useEffect, useRef, useState } from "react";
import * as pdfjs from "pdfjs-dist";
import type { PDFDocumentProxy, RenderTask } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import "pdfjs-dist/web/pdf_viewer.css";
import { api, type Citation, type Highlight } from "./api";

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

const MAX_SCALE = 2;
const docCache = new Map<string, Promise<PDFDocumentProxy>>();

// Keyed by content hash too: re-uploading a changed file keeps its document id but not its bytes.
function loadPdf(workspace: string, id: string, version: string): Promise<PDFDocumentProxy> {
  const key = `${workspace}/${id}/${version}`;
  let doc = docCache.get(key);
  if (!doc) {
    doc = api.fileBytes(workspace, id).then((bytes) => pdfjs.getDocument({ data: bytes }).promise);
    doc.catch(() => docCache.delete(key));
    docCache.set(key, doc);
  }
  return doc;
}

interface Box { left: number; top: number; width: number; height: number }

/** The pages in view (the citation's pages, or the page navigated to), at the viewer's zoom; the
 * citation's highlight boxes are drawn on the pages it touches. */
export function PdfView({ workspace, documentId, name, version, pages, zoom, citation }: {
  workspace: string; documentId: string; name: string; version: string; pages: number[]; zoom: number;
  citation: Citation | null;
}) {
  // The width to fit pages to: re-measured when the viewer resizes (a rotated phone, a wider window).
  const viewRef = useRef<HTMLDivElement>(null);
  const [room, setRoom] = useState(0);
  useEffect(() => {
    const el = viewRef.current!;
    const measure = () => setRoom((r) => (Math.abs(el.clientWidth - r) > 8 ? el.clientWidth : r));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return (
    <div className="pdf-view" ref={viewRef}>
      {room > 0 && pages.map((n) => (
        <PdfPage key={`${citation?.key ?? "doc"}-${n}`} workspace={workspace} documentId={documentId}
                 version={version} pageNumber={n} label={`Page ${n} of ${name}`} zoom={zoom} room={room}
                 highlights={citation ? citation.highlights.filter((h) => h.page === n) : []}
                 first={n === pages[0] && citation !== null} />
      ))}
    </div>
  );
}

/** The cited pages: a quote may run onto the next page. */
export function citedPages(citation: Citation): number[] {
  return [...new Set([citation.page, ...citation.highlights.map((h) => h.page)])].sort((a, b) => a - b);
}

function PdfPage({ workspace, documentId, version, pageNumber, label, highlights, first, zoom, room }: {
  workspace: string; documentId: string; version: string; pageNumber: number; label: string;
  highlights: Highlight[]; first: boolean; zoom: number; room: number;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const pageRef = useRef<HTMLDivElement>(null);
  const [boxes, setBoxes] = useState<Box[]>([]);
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState("");

  useEffect(() => {
    let cancelled = false;
    let task: RenderTask | null = null;
    let textLayer: pdfjs.TextLayer | null = null;
    setState("loading");
    (async () => {
      try {
        const doc = await loadPdf(workspace, documentId, version);
        const page = await doc.getPage(Math.min(Math.max(1, pageNumber), doc.numPages));
        if (cancelled) return;
        // 100 % fits the page to the viewer's width (never larger than MAX_SCALE); zoom multiplies that.
        const natural = page.getViewport({ scale: 1 });
        const viewport = page.getViewport({ scale: Math.min(MAX_SCALE, (room - 4) / natural.width) * zoom });
        const canvas = canvasRef.current!;
        const ratio = window.devicePixelRatio || 1;
        canvas.width = Math.floor(viewport.width * ratio);
        canvas.height = Math.floor(viewport.height * ratio);
        canvas.style.width = `${viewport.width}px`;
        canvas.style.height = `${viewport.height}px`;
        setSize({ w: viewport.width, h: viewport.height });
        task = page.render({
          canvas,
          canvasContext: canvas.getContext("2d")!,
          viewport,
          transform: ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : undefined,
        });
        await task.promise;
        // Text layer: selectable text, aligned with the canvas (also what makes the highlight checkable).
        const textDiv = textRef.current!;
        textDiv.replaceChildren();
        pageRef.current!.style.setProperty("--scale-factor", String(viewport.scale));
        textLayer = new pdfjs.TextLayer({ textContentSource: page.streamTextContent(), container: textDiv, viewport });
        await textLayer.render();
        if (cancelled) return;
        const sx = (w: number) => viewport.width / w;
        const sy = (h: number) => viewport.height / h;
        setBoxes(
          highlights.map((b) => ({
              left: b.x0 * sx(b.page_width),
              top: b.top * sy(b.page_height),
              width: (b.x1 - b.x0) * sx(b.page_width),
              height: (b.bottom - b.top) * sy(b.page_height),
            })),
        );
        setState("ready");
      } catch (e) {
        if (cancelled || (e as Error).name === "RenderingCancelledException") return;
        setError((e as Error).message);
        setState("error");
      }
    })();
    return () => {
      cancelled = true;
      task?.cancel();
      textLayer?.cancel();
    };
  }, [workspace, documentId, version, pageNumber, zoom, room, JSON.stringify(highlights)]);

  useEffect(() => {
    if (state === "ready" && first) pageRef.current?.querySelector(".hl")?.scrollIntoView({ block: "center" });
  }, [state, boxes, first]);

  return (
    <>
      {state === "loading" && <p className="muted">Rendering page {pageNumber}…</p>}
      {state === "error" && <p className="error" role="alert">Could not render the PDF: {error}</p>}
      <div
        className="pdf-page"
        ref={pageRef}
        data-state={state}
        data-page={pageNumber}
        style={size ? { width: size.w, height: size.h } : undefined}
        aria-label={label}
      >
        <canvas ref={canvasRef} />
        <div className="textLayer" ref={textRef} />
        {boxes.map((b, i) => (
          <div key={i} className="hl" style={{ left: b.left, top: b.top, width: b.width, height: b.height }} />
        ))}
      </div>
    </>
  );
}
