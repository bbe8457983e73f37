"""Clause extraction: for each document and each field, the one sentence that states it, with its value.

Why sentences of the whole document instead of retrieval hits: a comparison or an extraction table asks the
same thing of every document, and a retrieval top-k over the workspace lets one long contract crowd out the
others. Every document's sentence spans, vectors and heading contexts are already stored at ingest
(``sentences.npz``), so scanning them all is cheap and needs no search.

A sentence is a candidate for a field when it matches the field's cue (or sits under the field's heading) and,
for typed fields, holds a value of that type; candidates are ranked by cue, heading and the embedding
similarity of the sentence to the field's description. Sentences flagged as addressing an AI system are
never used (as in the ask path). Citations keep the invariant ``text[start:end] == quote``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from aiworks.rag.segment import sentence_spans
from aiworks.rag.evidence import not_an_answer, trim_heading
from aiworks.rag.injection import looks_injected
from aiworks.rag.kinds.fields import Field
from aiworks.rag.kinds.values import Value, parse, with_currency
from aiworks.rag.types import PAGE_SEPARATOR, Cell, Citation, DocumentInfo, Table

CUE, HEADING, DENSE, VALUE = 1.0, 0.5, 0.5, 0.25  # score weights (ordering only: a cue or heading is required)
EARLY, EARLY_CHARS, NEAR_CHARS = 0.5, 3000, 100
MAX_QUOTE = 600  # a "sentence" longer than this is a run-on table or list: cite the part around the cue


@dataclass(frozen=True)
class Found:
    """One field found in one document: the cited sentence and its normalised value (None for free text)."""

    field: Field
    document: DocumentInfo
    start: int  # document offsets of the cited sentence
    end: int
    page: int
    quote: str
    value: Value | None  # offsets relative to the document
    score: float

    @property
    def shown(self) -> str:
        """The cell text: the normalised value, or the sentence for free-text fields."""
        return self.value.normal if self.value is not None else " ".join(self.quote.split())


@dataclass
class _Doc:
    info: DocumentInfo
    text: str
    spans: np.ndarray  # (n, 2)
    vectors: np.ndarray | None  # (n, dim) unit rows, or None when the document has no stored vectors
    contexts: list[str]


class DocumentSource:
    """What extraction reads from a workspace (the Assistant provides all of it)."""

    def __init__(self, assistant) -> None:
        self.assistant = assistant
        self._docs: dict[str, _Doc] = {}
        self._field_vectors: dict[str, np.ndarray] = {}
        self._openings: dict[tuple[str, str], str] = {}
        self.found: dict[tuple[str, str, str], Found | None] = {}  # (document id, sha256, field) → ``find``

    def opening(self, document_id: str) -> str:
        key = ("opening", document_id)
        if key not in self._openings:
            self._openings[key] = self.assistant._opening(document_id, 400)
        return self._openings[key]

    def documents(self, ids: Sequence[str] | None = None) -> list[DocumentInfo]:
        docs = self.assistant.documents()
        if ids is None:
            return docs
        by_id = {d.id: d for d in docs}
        return [by_id[i] for i in ids if i in by_id]

    def load(self, info: DocumentInfo) -> _Doc:
        cached = self._docs.get(info.id)
        if cached is not None and cached.info.sha256 == info.sha256:
            return cached
        text = self.assistant.document_text(info.id)
        stored = self.assistant._sentences(info.id)
        if stored is not None and len(stored[0]):
            spans, vectors = np.asarray(stored[0]), np.asarray(stored[1])
            contexts = [str(c) for c in stored[2]] if len(stored) > 2 else [""] * len(spans)
        else:  # indexed before sentence vectors were stored: spans from the text, no dense score
            spans = np.asarray([(s, e) for s, e, _ in sentence_spans(text)], dtype=np.int64).reshape(-1, 2)
            vectors, contexts = None, [""] * len(spans)
        doc = _answerable(_Doc(info, text, spans, vectors, contexts))
        if len(self._docs) > 256:  # a workspace-wide comparison reads every document once: keep memory bounded
            self._docs.clear()
        self._docs[info.id] = doc
        return doc

    def field_vector(self, field: Field) -> np.ndarray:
        if field.name not in self._field_vectors:
            v = self.assistant.embedder.embed([f"{field.label}. {field.description}"])[0]
            self._field_vectors[field.name] = v / (np.linalg.norm(v) or 1.0)
        return self._field_vectors[field.name]


def _answerable(doc: _Doc) -> _Doc:
    """The sentences a field may cite: a heading glued onto its section's first sentence is cut off the quote
    (and joins the context), and headings, titles and furniture standing alone are dropped ("1. Purpose" is
    not the purpose), as in the lookup answerer."""
    keep, spans, contexts = [], [], []
    for i, (s, e) in enumerate(doc.spans.tolist()):
        start, glued = trim_heading(doc.text, s, e)
        if start >= e or not_an_answer(doc.text[start:e]):
            continue
        keep.append(i)
        spans.append((start, e))
        contexts.append(f"{doc.contexts[i]}\n{glued}" if glued else doc.contexts[i])
    vectors = doc.vectors[keep] if doc.vectors is not None else None
    return _Doc(doc.info, doc.text, np.asarray(spans, dtype=np.int64).reshape(-1, 2), vectors, contexts)


_SPACE = str.maketrans("\n\r\t\f\v", "     ")


def _flat(text: str) -> str:
    """Line breaks as spaces, one for one, so patterns match "obligations of\nconfidentiality" and offsets hold."""
    return text.translate(_SPACE)


def page_of(text: str, offset: int) -> int:
    return text.count(PAGE_SEPARATOR, 0, offset) + 1


def find(source: DocumentSource, info: DocumentInfo, field: Field) -> Found | None:
    """The best sentence of ``info`` for ``field``, or None when the document does not state it. Cached per
    document version: a summary scans every field over every sentence (~1 s for a 40-page contract), the
    same question again, or a comparison after it, should not."""
    key = (info.id, info.sha256, field.name)
    if key not in source.found:
        if len(source.found) > 100_000:
            source.found.clear()
        source.found[key] = _find(source, info, field)
    return source.found[key]


def _find(source: DocumentSource, info: DocumentInfo, field: Field) -> Found | None:
    doc = source.load(info)
    dense = doc.vectors @ source.field_vector(field) if doc.vectors is not None and len(doc.vectors) else None
    heading_re, exclude = field.heading_re, field.exclude_re
    opening = max(EARLY_CHARS, len(doc.text) // 5)  # where an ``early`` field may be stated
    best: Found | None = None
    for i, (s, e) in enumerate(doc.spans.tolist()):
        sentence, context = _flat(doc.text[s:e]), _flat(doc.contexts[i])  # PDF line breaks inside a phrase
        match = field.cue_re.search(sentence)
        cue: int | None = match.start() if match is not None else None  # where the cue is, in the sentence
        row = cue is None and field.context_cue and " | " in sentence and field.cue_re.search(context) is not None
        if row:
            cue = 0  # a table row whose column headers name the field: its rows tie, the first one is cited
        head = heading_re.search(context) is not None if heading_re is not None and context else False
        if cue is None and (not head or field.strict or not field.value or field.value_optional):
            continue  # no cue; a heading alone only stands in for it when the sentence holds the typed value
        if (field.early and s > opening) or (exclude is not None and exclude.search(sentence)):
            continue
        if looks_injected(sentence):
            continue
        value = None
        if field.value:
            values = _plausible(field, sentence, [v for kind in field.value.split("|") for v in parse(kind, sentence)])
            if not values and not field.value_optional:
                continue
            if values:
                lo, hi = (match.start(), match.end()) if match is not None else (0, 0)
                v = min(values, key=lambda v: v.start - hi if v.start >= hi else max(0, lo - v.end))
                v = with_currency(v, context + " " + sentence)
                value = Value(v.kind, v.text, s + v.start, s + v.end, v.number, v.unit, v.normal)
        score = CUE * (cue is not None) + HEADING * head + VALUE * (value is not None)
        score += DENSE * float(dense[i]) if dense is not None and not row else 0.0
        if field.early:
            score += EARLY * (1 - s / opening)  # the first statement of the parties / date, not a later one
        if best is None or score > best.score:
            qs, qe = _clip(doc.text, s, e, s + (cue or 0))
            best = Found(field, info, qs, qe, page_of(doc.text, qs), doc.text[qs:qe], value, round(score, 4))
    return best


def _plausible(field: Field, sentence: str, values: list[Value]) -> list[Value]:
    """The values that can be the field's: near its ``near`` word, not followed by its ``not_before``."""
    if field.not_before_re is not None:
        values = [v for v in values if not field.not_before_re.search(sentence[v.end : v.end + 40])]
    if field.near_re is not None:
        spots = [m.start() for m in field.near_re.finditer(sentence)]
        values = [v for v in values if any(abs(p - v.start) <= NEAR_CHARS for p in spots)]
    return values


def _clip(text: str, s: int, e: int, anchor: int) -> tuple[int, int]:
    """A run-on "sentence" (a list, a table flattened by the parser) cut to MAX_QUOTE around the cue, at
    word boundaries."""
    if e - s <= MAX_QUOTE:
        return s, e
    lo = max(s, min(anchor - MAX_QUOTE // 3, e - MAX_QUOTE))
    hi = min(e, lo + MAX_QUOTE)
    while lo > s and not text[lo - 1].isspace():
        lo -= 1
    while hi < e and not text[hi].isspace():
        hi += 1
    return lo, hi


class Citations:
    """Numbered citations shared by an answer's text and table: one key per distinct (document, span)."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self._keys: dict[tuple[str, int, int], int] = {}

    def key(self, found: Found) -> int:
        span = (found.document.id, found.start, found.end)
        if span not in self._keys:
            self._keys[span] = len(self.items) + 1
            self.items.append(
                Citation(
                    key=self._keys[span],
                    document=found.document.name,
                    document_id=found.document.id,
                    page=found.page,
                    start=found.start,
                    end=found.end,
                    quote=found.quote,
                    score=found.score,
                )
            )
        return self._keys[span]

    def add(self, citation: Citation) -> int:
        """Renumber a citation made elsewhere (a per-document answer) into this list."""
        span = (citation.document_id, citation.start, citation.end)
        if span not in self._keys:
            self._keys[span] = len(self.items) + 1
            self.items.append(Citation(**{**citation.__dict__, "key": self._keys[span]}))
        return self._keys[span]


def extract(
    source: DocumentSource,
    fields: Sequence[Field],
    document_ids: Sequence[str] | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[Table, list[Citation]]:
    """The extraction table: one row per document, one cited cell per field ("" uncited when absent)."""
    cites = Citations()
    docs = source.documents(document_ids)
    rows = []
    for n, info in enumerate(docs):
        if progress:
            progress(f"extracting {info.name}", n / max(1, len(docs)))
        row = [Cell(info.name, None)]
        for field in fields:
            found = find(source, info, field)
            row.append(Cell(found.shown, cites.key(found)) if found else Cell("", None))
        rows.append(row)
    return Table(["Document"] + [f.label for f in fields], rows), cites.items
