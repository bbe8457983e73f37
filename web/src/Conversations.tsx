// Saved conversations of the workspace, newest first: open one into the thread, rename it, delete it.
import { useEffect, useState } from "react";
import { api, ApiError, type ConversationSummary } from "./api";

export function Conversations({ workspace, version, activeId, onOpen, onDeleted, onList }: {
  workspace: string;
  version: number;  // bumped after each answer: the list re-reads (a new conversation, a new turn)
  activeId: string | null;
  onOpen: (id: string) => void;
  onDeleted: (id: string) => void;
  onList: (list: ConversationSummary[]) => void;
}) {
  const [list, setList] = useState<ConversationSummary[] | null>(null);
  const [message, setMessage] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; title: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  async function load() {
    try {
      const rows = await api.conversations(workspace);
      const sorted = [...rows].sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      setList(sorted);
      onList(sorted);
      setMessage("");
    } catch (e) {
      setList([]);
      onList([]);
      setMessage(e instanceof ApiError && e.status === 404 && e.message === "Not Found"
        ? "This server does not save conversations." : (e as Error).message);
    }
  }
  useEffect(() => { setRenaming(null); setConfirming(null); load(); }, [workspace, version]);

  async function rename(e: React.FormEvent) {
    e.preventDefault();
    if (!renaming || !renaming.title.trim()) return;
    try {
      await api.renameConversation(workspace, renaming.id, renaming.title.trim());
      setRenaming(null);
      await load();
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  async function remove(id: string) {
    try {
      await api.deleteConversation(workspace, id);
      setConfirming(null);
      onDeleted(id);
      await load();
    } catch (err) {
      setMessage((err as Error).message);
    }
  }

  return (
    <section className="panel" aria-labelledby="conv-title">
      <h2 id="conv-title">Conversations</h2>
      {message && <p className="muted" role="status">{message}</p>}
      {list && list.length === 0 && !message && <p className="muted">No saved conversations yet.</p>}
      {list && list.length > 0 && (
        <ul className="convs" data-testid="conversations">
          {list.map((c) => (
            <li key={c.id} data-testid="conversation" data-id={c.id}
                className={c.id === activeId ? "active" : undefined}>
              {renaming?.id === c.id ? (
                <form className="inline-form" onSubmit={rename}>
                  <label htmlFor={`rename-${c.id}`} className="sr-only">New title</label>
                  <input id={`rename-${c.id}`} value={renaming.title} autoFocus data-testid="rename-input"
                         onChange={(e) => setRenaming({ id: c.id, title: e.target.value })} maxLength={200} />
                  <button type="submit">Save</button>
                  <button type="button" className="secondary" onClick={() => setRenaming(null)}>Cancel</button>
                </form>
              ) : (
                <button type="button" className="link conv-open" onClick={() => onOpen(c.id)}
                        aria-current={c.id === activeId ? "true" : undefined} data-testid="conversation-open">
                  {c.title || "(untitled)"}
                </button>
              )}
              <span className="muted conv-meta">
                {c.turns} turn{c.turns === 1 ? "" : "s"} · {new Date(c.updated_at).toLocaleString()}
              </span>
              {confirming === c.id ? (
                <span className="confirm" role="group" aria-label={`Delete “${c.title}”?`}>
                  Delete?{" "}
                  <button type="button" className="danger" onClick={() => remove(c.id)}
                          data-testid="confirm-delete">Delete</button>
                  <button type="button" className="secondary" onClick={() => setConfirming(null)}>Cancel</button>
                </span>
              ) : renaming?.id !== c.id && (
                <span className="conv-actions">
                  <button type="button" className="secondary" onClick={() => setRenaming({ id: c.id, title: c.title })}
                          aria-label={`Rename ${c.title}`}>Rename</button>
                  <button type="button" className="danger" onClick={() => setConfirming(c.id)}
                          aria-label={`Delete ${c.title}`}>Delete</button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
