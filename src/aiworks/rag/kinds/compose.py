"""Answers for the non-lookup kinds, built from cited extraction results (offline, no language model).

- summary: every field the document states, one cited point each, core key terms first; the core terms it
  does not state are named, so a missing liability cap is visible instead of silently left out;
- comparison: the field per document, normalised; a superlative names the winner among comparable values
  (durations in days; money only within one currency), otherwise each document is listed; the table has one
  row per document that states the clause, every value cell cited;
- per-document: each document answered on its own, under its name: from its clause when the question asks for a
  known field, otherwise by the ordinary lookup restricted to that document.
Where the offline answerer cannot do what was asked, the answer says so plainly (``abstained`` stays False
for those: nothing was wrongly "not found", the answerer declined).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from aiworks.rag.kinds.classify import Kind
from aiworks.rag.kinds.extract import Citations, DocumentSource, Found, find
from aiworks.rag.kinds.fields import FIELDS
from aiworks.rag.types import Answer, Cell, DocumentInfo, Table

MAX_SUMMARIES = 4  # more named documents than this: ask the user to narrow down (answers stay readable)
MAX_COMPARED = 200  # documents scanned by one comparison


def summary(question: str, source: DocumentSource, docs: Sequence[DocumentInfo]) -> Answer:
    if not docs:
        every = source.documents()
        if len(every) == 1:
            docs = every
        else:
            names = ", ".join(d.name for d in every[:8]) or "none"
            return Answer(
                question,
                'The offline answerer summarises named documents: say which one (e.g. "Summarize the '
                f'{every[0].name if every else "NDA"}"), or pick it with --doc / the document picker. '
                f"Documents here: {names}.",
                abstained=False,
                kind="summary",
            )
    if len(docs) > MAX_SUMMARIES:
        return Answer(
            question,
            f"The offline answerer summarises up to {MAX_SUMMARIES} documents at once; this question covers "
            f"{len(docs)}. Pick fewer documents.",
            abstained=False,
            kind="summary",
        )
    cites = Citations()
    lines: list[str] = []
    rows: list[list[Cell]] = []
    for info in docs:
        found = [f for f in (find(source, info, field) for field in FIELDS) if f is not None]
        if len(docs) > 1:
            lines.append(f"{info.name}:")
        if not found:
            lines.append(f"No key terms could be identified in {info.name} by the offline answerer.")
            continue
        found.sort(key=lambda f: (not f.field.summary, FIELDS.index(f.field)))
        for f in found:
            key = cites.key(f)
            lines.append(f"- {f.field.label}: {_point(f)} [{key}]")
            rows.append(
                ([Cell(info.name, None)] if len(docs) > 1 else []) + [Cell(f.field.label, key), Cell(f.shown, key)]
            )
        absent = [fd.label.lower() for fd in FIELDS if fd.summary and fd not in {f.field for f in found}]
        if absent:
            lines.append(f"Not stated in {info.name}: {', '.join(absent)}.")
    columns = (["Document"] if len(docs) > 1 else []) + ["Key term", "Value"]
    return Answer(
        question,
        "\n".join(lines),
        abstained=not cites.items,
        citations=cites.items,
        kind="summary",
        table=Table(columns, rows) if rows else None,
    )


def _point(found: Found) -> str:
    quote = " ".join(found.quote.split())
    return quote if len(quote) <= 300 else quote[:297] + "..."


def comparison(question: str, kind: Kind, source: DocumentSource, docs: Sequence[DocumentInfo]) -> Answer:
    field = kind.field
    if field is None:
        known = ", ".join(f.label.lower() for f in FIELDS)
        return Answer(
            question,
            "The offline answerer compares documents clause by clause, but could not tell which clause this "
            f"question is about. It knows: {known}. Rephrase with one of them, or configure an LLM "
            "(AIWORKS_LLM) for free-form comparisons.",
            abstained=False,
            kind="comparison",
        )
    docs = list(docs or source.documents())
    skipped = max(0, len(docs) - MAX_COMPARED)
    docs = docs[:MAX_COMPARED]
    found = [(info, find(source, info, field)) for info in docs]
    have = [f for _, f in found if f is not None]
    missing = [info.name for info, f in found if f is None]
    cites = Citations()
    keys = {id(f): cites.key(f) for f in have}
    lines: list[str] = []
    winner: list[Found] = []
    if kind.direction and have:
        winner, note = _winners(have, kind.direction)
        if winner:
            names = " and ".join(w.document.name for w in winner)
            marks = " ".join(f"[{keys[id(w)]}]" for w in winner)
            tie = " (a tie)" if len(winner) > 1 else ""
            lines.append(f"{names}: {winner[0].shown}, the {kind.superlative} {field.label.lower()}{tie} {marks}.")
        if note:
            lines.append(note)
    if not have:
        lines.append(f"None of the {len(docs)} document(s) states a clause on {field.label.lower()}.")
    else:
        intro = "Others" if winner else f"{field.label} in {len(have)} of {len(docs)} document(s)"
        rest = [f for f in have if f not in winner]
        if rest:
            lines.append(f"{intro}:")
            lines.extend(f"- {f.document.name}: {f.shown} [{keys[id(f)]}]" for f in rest)
    if missing and have:
        lines.append(f"Not stated in: {', '.join(missing)}.")
    if skipped:
        lines.append(
            f"Only the first {MAX_COMPARED} documents were compared ({skipped} more): pick documents to narrow it."
        )
    rows = [
        [Cell(f.document.name, keys[id(f)]), Cell(f.shown, keys[id(f)]), Cell(_point(f), keys[id(f)])] for f in have
    ]
    return Answer(
        question,
        "\n".join(lines),
        abstained=not have,
        citations=cites.items,
        kind="comparison",
        table=Table(["Document", field.label, "Clause"], rows) if rows else None,
    )


def _winners(have: list[Found], direction: str) -> tuple[list[Found], str]:
    """The documents with the extreme value; values of different units or currencies are not ranked."""
    numeric = [f for f in have if f.value is not None and f.value.number is not None]
    if not numeric:
        return [], "These values have no common scale to rank, so each document is listed."
    units = {f.value.unit for f in numeric if f.value is not None}
    note = ""
    if len(units) > 1:  # e.g. USD and EUR: rank the most common unit, say so
        common = max(units, key=lambda u: sum(f.value is not None and f.value.unit == u for f in numeric))
        numeric = [f for f in numeric if f.value is not None and f.value.unit == common]
        note = f"Only values in {common} are ranked; others are listed as written."
    numbers = [(f, f.value.number) for f in numeric if f.value is not None and f.value.number is not None]
    extreme = (max if direction == "max" else min)(n for _, n in numbers)
    return [f for f, n in numbers if n == extreme], note


_MARK = re.compile(r"\[(\d+)\]")


def per_document(
    question: str,
    kind: Kind,
    source: DocumentSource,
    docs: Sequence[DocumentInfo],
    ask_one: Callable[[str, str], Answer],
) -> Answer:
    """Each document answered on its own: from its clause when the question asks for a known field (the same
    sentence a comparison would cite), otherwise by ``ask_one(question, document_id)``, the ordinary lookup
    restricted to that document."""
    cites = Citations()
    lines, rows = [], []
    answered = 0
    for info in docs:
        found = find(source, info, kind.field) if kind.field is not None else None
        if found is not None:
            key = cites.key(found)
            lines.append(f"- {info.name}: {_point(found)} [{key}]")
            rows.append([Cell(info.name, key), Cell(found.shown, key)])
            answered += 1
            continue
        one = ask_one(question, info.id)
        if one.abstained or not one.citations:
            lines.append(f"- {info.name}: not found in this document.")
            rows.append([Cell(info.name, None), Cell("not found", None)])
            continue
        answered += 1
        renumber = {c.key: cites.add(c) for c in one.citations}
        text = _MARK.sub(lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]", one.answer)
        lines.append(f"- {info.name}: {text}")
        first = renumber[one.citations[0].key]
        rows.append([Cell(info.name, first), Cell(_MARK.sub("", one.answer).strip(), first)])
    return Answer(
        question,
        "\n".join(lines),
        abstained=answered == 0,
        citations=cites.items,
        kind="per_document",
        table=Table(["Document", kind.field.label if kind.field else "Answer"], rows),
    )
