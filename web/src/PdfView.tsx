// Renders the cited page with pdf.js and draws the citation's highlight boxes over it.
// The worker is bundled by Vite (?url import): nothing is fetched from outside the local server.
import { useEffect, useRef, useState } from "react";
import * as pdfjs from "pdfjs-dist";
import type { PDFDocumentProxy, RenderTask } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import "pdfjs-dist/web/pdf_viewer.css";
import { api, type Citation } from "./api";

pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;

const MAX_SCALE = 2;
const docCache = new Map<string, Promise<PDFDocumentProxy>>();

function loadPdf(workspace: string, id: string): Promise<PDFDocumentProxy> {
  const key = `${workspace}/${id}`;
  let doc = docCache.get(key);
  if (!doc) {
    doc = api.fileBytes(workspace, id).then((bytes) => pdfjs.getDocument({ data: bytes }).promise);
    doc.catch(() => docCache.delete(key));
    docCache.set(key, doc);
  }
  return doc;
}

export function forgetPdf(workspace: string, id: string) {
  docCache.delete(`${workspace}/${id}`);
}

interface Box { left: number; top: number; width: number; height: number }

export function PdfView({ workspace, citation }: { workspace: string; citation: Citation }) {
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
        const doc = await loadPdf(workspace, citation.document_id);
        const page = await doc.getPage(Math.min(Math.max(1, citation.page), doc.numPages));
        if (cancelled) return;
        // Fit the page to the viewer's width (never larger than MAX_SCALE).
        const natural = page.getViewport({ scale: 1 });
        const room = (pageRef.current?.parentElement?.clientWidth ?? natural.width) - 4;
        const viewport = page.getViewport({ scale: Math.min(MAX_SCALE, room / natural.width) });
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
          citation.highlights
            .filter((b) => b.page === citation.page)
            .map((b) => ({
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
  }, [workspace, citation]);

  useEffect(() => {
    if (state === "ready") pageRef.current?.querySelector(".hl")?.scrollIntoView({ block: "center" });
  }, [state, boxes]);

  return (
    <div className="pdf-view">
      {state === "loading" && <p className="muted">Rendering page {citation.page}…</p>}
      {state === "error" && <p className="error" role="alert">Could not render the PDF: {error}</p>}
      <div
        className="pdf-page"
        ref={pageRef}
        data-state={state}
        style={size ? { width: size.w, height: size.h } : undefined}
        aria-label={`Page ${citation.page} of ${citation.document}`}
      >
        <canvas ref={canvasRef} />
        <div className="textLayer" ref={textRef} />
        {boxes.map((b, i) => (
          <div key={i} className="hl" style={{ left: b.left, top: b.top, width: b.width, height: b.height }} />
        ))}
      </div>
    </div>
  );
}
