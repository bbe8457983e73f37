"""The embedding stage of ingestion: each chunk's search text (document prefix + chunk context + chunk text) is
embedded in batches, and every sentence gets a vector too, pooled from the same pass where the embedder can
(``embed_with_spans``), so the answerer scores sentences without embedding them again at question time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from aiworks.providers.embedders import Embedder, embed_substrings, embed_with_spans
from aiworks.rag.segment import sentence_spans
from aiworks.rag.types import Chunk

if TYPE_CHECKING:
    from aiworks.rag.index import Prepared

EMBED_BATCH = 64


def search_head(prefix: str, chunk: Chunk) -> str:
    """What precedes a chunk's text in its search text (embedding and BM25): the document prefix, then the
    chunk's context (heading path, table column headers) on its own line."""
    return prefix + (chunk.context + "\n" if chunk.context else "")


def embed_group(embedder: Embedder, group: list[Prepared]) -> list[tuple[np.ndarray, dict[str, np.ndarray], list[str]]]:
    """Per document: chunk vectors, sentence spans/vectors (document offsets), and the embedded texts."""
    dim = embedder.dim
    texts, local, heads, contexts, owner = [], [], [], [], []
    for d, p in enumerate(group):
        for c in p.chunks:
            head = search_head(p.prefix, c)  # search text = document prefix + chunk context + chunk text
            texts.append(head + c.text)
            local.append([(len(head) + s, len(head) + e) for s, e, _ in sentence_spans(c.text)])
            heads.append(len(head))
            contexts.append(c.context)
            owner.append(d)
    vecs, per_chunk = [np.zeros((0, dim), np.float32)], []
    for i in range(0, len(texts), EMBED_BATCH):
        batch = slice(i, i + EMBED_BATCH)
        if hasattr(embedder, "embed_with_spans"):  # pooled from one pass: sentences see their context
            v, sv = embed_with_spans(embedder, texts[batch], local[batch])
        else:
            v, sv = _embed_in_context(embedder, texts[batch], local[batch], contexts[batch])
        vecs.append(v)
        per_chunk.extend(sv)
    vectors = np.vstack(vecs)
    owner_arr = np.asarray(owner, dtype=np.int64)
    out = []
    for d, p in enumerate(group):
        rows = np.nonzero(owner_arr == d)[0]
        spans = [np.zeros((0, 2), np.int64)] + [
            np.asarray([(c.start + s - heads[r], c.start + e - heads[r]) for s, e in local[r]], dtype=np.int64).reshape(
                -1, 2
            )
            for c, r in zip(p.chunks, rows)
        ]
        all_spans = np.vstack(spans)
        all_vecs = np.vstack([np.zeros((0, dim), np.float32)] + [per_chunk[r] for r in rows])
        # the chunk context (heading path, table column headers) of each sentence: what a table row means
        all_ctx = [c.context for c, r in zip(p.chunks, rows) for _ in local[r]]
        # overlapping chunks repeat sentences: keep one vector per sentence, in document order
        _, first = np.unique(all_spans[:, 0], return_index=True)
        sentences: dict[str, np.ndarray] = {
            "spans": all_spans[first],
            "vectors": all_vecs[first].astype(np.float32),
            "contexts": np.asarray([all_ctx[i] for i in first], dtype=np.str_),
        }
        out.append((vectors[rows], sentences, [texts[r] for r in rows]))
    return out


def _embed_in_context(embedder: Embedder, texts: list[str], spans: list, contexts: list[str]):
    """For embedders without span pooling: chunk vectors, and each sentence embedded after its chunk's context
    line (heading path, table column headers), so that, as in the pooled path, a sentence under "5. Security
    Deposit" or a row under "Annual fee (USD)" carries what it is about."""
    return embed_substrings(embedder, texts, spans, [ctx + "\n" if ctx else "" for ctx in contexts])
