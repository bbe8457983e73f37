// Typed client for the aiworks HTTP API (same origin; no other network).

export interface Session {
  mode: "local" | "keys";
  authenticated: boolean;
  workspace: string | null;
  max_upload_mb: number;
  /** the configured answerer spec, e.g. "extractive" or "openai:…" (older servers omit it) */
  answerer?: string;
}
export interface Workspace { name: string }
export interface DocumentInfo {
  id: string; name: string; sha256: string; kind: string;
  pages: number; chunks: number; chars: number; ingested_at: string;
  warnings?: DocWarning[];
}
/** e.g. kind "injection": a passage of the document addresses an AI system (never used as an answer). */
export interface DocWarning { kind: string; message: string; page: number | null; }
export interface Job {
  id: string; workspace: string; filename: string;
  status: "queued" | "running" | "done" | "error";
  progress: number; stage: string; error: string | null;
  document_id: string | null; result: string | null; pages: number; chunks: number;
}
export interface UploadResult {
  filename: string; status: "queued" | "duplicate" | "error";
  job_id: string | null; document_id: string | null; error: string | null;
}
export interface Highlight {
  page: number; x0: number; top: number; x1: number; bottom: number;
  page_width: number; page_height: number;
}
export interface Citation {
  key: number; document: string; document_id: string; page: number;
  start: number; end: number; quote: string; score: number; highlights: Highlight[];
}
export interface Cell { text: string; citation: number | null }
/** A comparison or extraction table; a cell's `citation` is the `key` of one of the answer's citations. */
export interface Table { columns: string[]; rows: Cell[][] }
export interface AnswerPayload {
  question: string; answer: string; abstained: boolean;
  citations: Citation[]; timings_ms: Record<string, number>;
  /** on an abstention: the closest passages (exact spans that may not answer; never the answer's citations) */
  closest?: Citation[];
  /** "extractive" or the LLM spec that wrote the answer */
  answered_by?: string;
  /** e.g. the LLM was unreachable and quotes were returned */
  warnings?: string[];
  kind?: string;
  table?: Table | null;
  conversation_id?: string | null;
  /** the standalone question actually answered (differs from `question` for a follow-up) */
  resolved_question?: string | null;
}
export interface ConversationSummary { id: string; title: string; created_at: string; updated_at: string; turns: number }
export interface ConversationTurn { question: string; answer: AnswerPayload; asked_at: string }
export interface Conversation {
  id: string; title: string; created_at: string; updated_at: string; turns: ConversationTurn[];
}
export interface ExtractField { name: string; label: string; description: string }
export interface ExtractResult { table: Table; citations: Citation[] }

const KEY_STORAGE = "aiworks.apiKey";
export const apiKey = {
  get: () => localStorage.getItem(KEY_STORAGE) ?? "",
  set: (k: string) => (k ? localStorage.setItem(KEY_STORAGE, k) : localStorage.removeItem(KEY_STORAGE)),
};

export class ApiError extends Error {
  constructor(public status: number, message: string) { super(message); }
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.get();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(path, { ...init, headers: headers(init.headers as Record<string, string>) });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = await res.json();
      detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch { /* not JSON */ }
    throw new ApiError(res.status, detail);
  }
  return res.status === 204 ? (undefined as T) : res.json();
}

/** Save a response body as a file: fetched with the caller's key (a plain link could not send it). */
async function download(path: string, fallbackName: string): Promise<string> {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw new ApiError(res.status, `download failed (${res.status} ${res.statusText})`);
  const disposition = res.headers.get("content-disposition") ?? "";
  const name = disposition.match(/filename="?([^";]+)"?/)?.[1] ?? fallbackName;
  saveBlob(await res.blob(), name);
  return name;
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const ws = (w: string) => `/api/workspaces/${encodeURIComponent(w)}`;
const json = (body: unknown): RequestInit => ({
  method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" },
});

export const api = {
  session: () => request<Session>("/api/session"),
  workspaces: () => request<Workspace[]>("/api/workspaces"),
  createWorkspace: (name: string) => request<Workspace>("/api/workspaces", json({ name })),
  documents: (w: string) => request<DocumentInfo[]>(`${ws(w)}/documents`),
  removeDocument: (w: string, id: string) => request<void>(`${ws(w)}/documents/${id}`, { method: "DELETE" }),
  documentText: (w: string, id: string) => request<{ id: string; text: string }>(`${ws(w)}/documents/${id}/text`),
  conversations: (w: string) => request<ConversationSummary[]>(`${ws(w)}/conversations`),
  conversation: (w: string, id: string) => request<Conversation>(`${ws(w)}/conversations/${encodeURIComponent(id)}`),
  renameConversation: (w: string, id: string, title: string) =>
    request<unknown>(`${ws(w)}/conversations/${encodeURIComponent(id)}`, { ...json({ title }), method: "PATCH" }),
  deleteConversation: (w: string, id: string) =>
    request<void>(`${ws(w)}/conversations/${encodeURIComponent(id)}`, { method: "DELETE" }),
  exportConversation: (w: string, id: string, name: string) =>
    download(`${ws(w)}/conversations/${encodeURIComponent(id)}/export`, name),
  extractFields: (w: string) => request<ExtractField[]>(`${ws(w)}/extract/fields`),
  extract: (w: string, fields: string[], documentIds: string[] | null) =>
    request<ExtractResult>(`${ws(w)}/extract`, json({ fields, document_ids: documentIds })),
  job: (w: string, id: string) => request<Job>(`${ws(w)}/jobs/${id}`),
  fileUrl: (w: string, id: string) => `${ws(w)}/documents/${id}/file`,
  async fileBytes(w: string, id: string): Promise<ArrayBuffer> {
    const res = await fetch(this.fileUrl(w, id), { headers: headers() });
    if (!res.ok) throw new ApiError(res.status, "could not load the original file");
    return res.arrayBuffer();
  },
  /** One file per request, via XHR because fetch cannot report upload progress. */
  upload: (w: string, file: File, onProgress: (fraction: number) => void) =>
    new Promise<{ files: UploadResult[] }>((resolve, reject) => {
      const form = new FormData();
      form.append("files", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", `${ws(w)}/documents`);
      for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      xhr.onerror = () => reject(new ApiError(0, "network error while uploading"));
      xhr.onload = () => {
        let body: any = null;
        try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300 && body) resolve(body);
        else reject(new ApiError(xhr.status, typeof body?.detail === "string" ? body.detail : xhr.statusText));
      };
      xhr.send(form);
    }),
};

/** Progress of one answer: retrieving, planning, searching, composing, checked, fallback (+ a warning). */
export interface StreamStatus { stage: string; warning?: string; replaced?: boolean; [k: string]: unknown }
export interface StreamHandlers {
  onStatus?: (s: StreamStatus) => void;
  onDelta: (text: string) => void;
  onCitations: (c: Citation[]) => void;
  onDone: (a: AnswerPayload) => void;
  onError: (message: string) => void;
}

/** POST + server-sent events (EventSource cannot POST, so the stream is parsed by hand). */
export async function askStream(w: string, question: string, h: StreamHandlers,
                                documentIds: string[] = [], conversationId: string | null = null): Promise<void> {
  const body: Record<string, unknown> = { question };
  if (documentIds.length) body.document_ids = documentIds;
  if (conversationId) body.conversation_id = conversationId;
  const res = await fetch(`${ws(w)}/ask/stream`, {
    method: "POST",
    headers: headers({ "Content-Type": "application/json", Accept: "text/event-stream" }),
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) {
    let detail = res.statusText;
    try { detail = (await res.json()).detail ?? detail; } catch { /* ignore */ }
    h.onError(typeof detail === "string" ? detail : JSON.stringify(detail));
    return;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let cut: number;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      let data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data += line.slice(5).trim();
      }
      const payload = data ? JSON.parse(data) : null;
      if (event === "status") h.onStatus?.(payload);
      else if (event === "delta") h.onDelta(payload.text);
      else if (event === "citations") h.onCitations(payload);
      else if (event === "done") h.onDone(payload);
      else if (event === "error") h.onError(payload.detail);
    }
  }
}
