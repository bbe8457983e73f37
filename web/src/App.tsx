import { useCallback, useEffect, useState } from "react";
import { api, apiKey, ApiError, type Citation, type ConversationSummary, type DocumentInfo, type Session,
  type Workspace } from "./api";
import { Documents } from "./Documents";
import { Ask, turnOf, type Turn } from "./Ask";
import { Conversations } from "./Conversations";
import { Extract } from "./Extract";
import { Viewer, type ViewTarget } from "./Viewer";

const WS_STORAGE = "aiworks.workspace";

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [workspaces, setWorkspaces] = useState<Workspace[]>([]);
  const [workspace, setWorkspace] = useState<string>(localStorage.getItem(WS_STORAGE) ?? "");
  const [documents, setDocuments] = useState<DocumentInfo[]>([]);
  const [newName, setNewName] = useState("");
  const [keyDraft, setKeyDraft] = useState(apiKey.get());
  const [error, setError] = useState("");
  const [tab, setTab] = useState<"ask" | "extract">("ask");
  const [target, setTarget] = useState<ViewTarget | null>(null);
  const [turns, setTurns] = useState<Turn[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [listVersion, setListVersion] = useState(0);

  const loadSession = useCallback(async () => {
    try {
      const s = await api.session();
      setSession(s);
      if (!s.authenticated) return;
      const list = await api.workspaces();
      setWorkspaces(list);
      setWorkspace((cur) => (list.some((w) => w.name === cur) ? cur : list[0]?.name ?? ""));
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);

  useEffect(() => { loadSession(); }, [loadSession]);

  const authed = session?.authenticated ?? false;
  const refreshDocuments = useCallback(async () => {
    if (!workspace || !authed) return setDocuments([]);
    try {
      setDocuments(await api.documents(workspace));
    } catch (e) {
      setError((e as Error).message);
    }
  }, [workspace, authed, session]);

  useEffect(() => {
    if (workspace) localStorage.setItem(WS_STORAGE, workspace);
    refreshDocuments();
  }, [workspace, refreshDocuments]);
  useEffect(() => { setTurns([]); setConversationId(null); setTarget(null); }, [workspace]);

  const show = (documentId: string, citation: Citation | null) =>
    setTarget((t) => ({ documentId, citation, seq: (t?.seq ?? 0) + 1 }));
  const cite = (c: Citation) => show(c.document_id, c);

  function newConversation() {
    setTurns([]);
    setConversationId(null);
  }

  async function openConversation(id: string) {
    try {
      const c = await api.conversation(workspace, id);
      setTurns(c.turns.map((t) => turnOf(t.question, t.answer)));
      setConversationId(c.id);
      setTab("ask");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const title = conversations.find((c) => c.id === conversationId)?.title || turns[0]?.question || "";
  async function exportConversation() {
    if (!conversationId) return;
    const name = `${(title || "conversation").replace(/[^\w.-]+/g, "-").slice(0, 80)}.md`;
    try {
      await api.exportConversation(workspace, conversationId, name);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function createWorkspace(e: React.FormEvent) {
    e.preventDefault();
    try {
      const ws = await api.createWorkspace(newName.trim());
      setNewName("");
      await loadSession();
      setWorkspace(ws.name);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 422
        ? "Workspace names use lowercase letters, digits, - and _ (start with a letter or digit)."
        : (err as Error).message);
    }
  }

  async function remove(doc: DocumentInfo) {
    try {
      await api.removeDocument(workspace, doc.id);
      await refreshDocuments();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  function saveKey(e: React.FormEvent) {
    e.preventDefault();
    apiKey.set(keyDraft.trim());
    loadSession();
  }

  return (
    <div className="app">
      <header>
        <h1>aiworks <span className="muted">document assistant</span></h1>
        {session && (
          <p className="mode" data-testid="mode">
            {session.mode === "local" ? "Local single-user mode" : session.authenticated
              ? `API key for “${session.workspace}”` : "API key required"}
            {session.answerer && (
              <> · <span data-testid="answerer" title="The configured answerer; each answer says which one wrote it">
                Model: <strong>{session.answerer}</strong></span></>
            )}
          </p>
        )}
      </header>

      {session?.mode === "keys" && (
        <form className="bar" onSubmit={saveKey}>
          <label htmlFor="key">API key</label>
          <input id="key" type="password" value={keyDraft} onChange={(e) => setKeyDraft(e.target.value)}
                 placeholder="aiw_…" autoComplete="off" />
          <button type="submit">Use key</button>
          {!session.authenticated && (
            <span className="muted">
              {apiKey.get() ? "That key was not accepted (unknown or revoked)." :
                "This server needs an API key: `aiworks keys create --workspace NAME`."}
            </span>
          )}
        </form>
      )}

      {session?.authenticated && (
        <div className="bar">
          <label htmlFor="ws">Workspace</label>
          <select id="ws" value={workspace} onChange={(e) => setWorkspace(e.target.value)}>
            {workspaces.length === 0 && <option value="">(none yet)</option>}
            {workspaces.map((w) => <option key={w.name} value={w.name}>{w.name}</option>)}
          </select>
          {session.mode === "local" && (
            <form onSubmit={createWorkspace} className="inline">
              <label htmlFor="new-ws" className="sr-only">New workspace name</label>
              <input id="new-ws" value={newName} onChange={(e) => setNewName(e.target.value)}
                     placeholder="new workspace" pattern="[a-z0-9][a-z0-9_\-]{0,62}" required />
              <button type="submit">Create</button>
            </form>
          )}
        </div>
      )}

      {error && (
        <p className="error" role="alert">
          {error} <button type="button" className="link" onClick={() => setError("")}>dismiss</button>
        </p>
      )}

      {workspace && session?.authenticated ? (
        <main>
          <div className="side">
            <Documents workspace={workspace} documents={documents} onChanged={refreshDocuments} onRemove={remove}
                       onOpen={(d) => show(d.id, null)} />
            <Conversations workspace={workspace} version={listVersion} activeId={conversationId}
                           onOpen={openConversation} onList={setConversations}
                           onDeleted={(id) => { if (id === conversationId) newConversation(); }} />
          </div>
          <section className="panel work" aria-label="Ask or extract">
            <div className="tabs" role="tablist">
              <button type="button" role="tab" aria-selected={tab === "ask"} onClick={() => setTab("ask")}
                      data-testid="tab-ask">Ask</button>
              <button type="button" role="tab" aria-selected={tab === "extract"} onClick={() => setTab("extract")}
                      data-testid="tab-extract">Extract</button>
            </div>
            <div role="tabpanel" hidden={tab !== "ask"}>
              <Ask workspace={workspace} documents={documents} turns={turns} setTurns={setTurns}
                   conversationId={conversationId} setConversationId={setConversationId}
                   onAnswered={() => setListVersion((v) => v + 1)} onNewConversation={newConversation}
                   onExport={exportConversation} title={title} selected={target?.citation ?? null} onCite={cite} />
            </div>
            <div role="tabpanel" hidden={tab !== "extract"}>
              <Extract workspace={workspace} documents={documents} selected={target?.citation ?? null} onCite={cite} />
            </div>
          </section>
          <Viewer workspace={workspace} documents={documents} target={target} />
        </main>
      ) : (
        session?.authenticated && <p className="muted">Create a workspace to start.</p>
      )}
    </div>
  );
}
