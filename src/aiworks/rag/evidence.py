"""Words of questions and evidence, for the extractive answerer (rag/answer.py): which words say what a question
is about (key terms), which name a document ("the NDA", "the lease"), what the retrieved evidence holds, and which
lines are never an answer on their own (headings, titles, defined terms, page furniture, table header rows).

Stemming is deliberately crude (suffix stripping) and the same on both sides; hyphenated compounds ("non-compete",
"step-in") stay one word so "competing" does not answer for "non-compete". ``root`` also drops derivational
suffixes, so "hourly" meets "hour", "renewal" "renewing" and "availability" "available" (a contract rarely words
a thing the way the question does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aiworks.rag.segment import _NUMBERED, is_heading
from aiworks.rag.types import Hit

_STOP_WORDS = """a an the of to in on at by for with from and or nor but is are was were be been being do does did
what which who whom whose when where why how that this these those it its as if then than there their them they
he she his her we our you your i me my any all some can could shall should will would may might must not no
about under over into out up down per each such other more most much many please tell me give"""
_STOP = set(_STOP_WORDS.split())
# File-name words that do not identify a document.
_NAME_NOISE = {
    "agreement",
    "contract",
    "pdf",
    "docx",
    "doc",
    "txt",
    "md",
    "scan",
    "scanned",
    "copy",
    "final",
    "draft",
    "signed",
    "executed",
    "version",
    "document",
    "file",
    "new",
    "old",
}


def stem(tok: str) -> str:
    if len(tok) > 5 and tok.endswith("ies"):
        return tok[:-3] + "y"
    for suffix in ("ing", "es", "ed"):
        if len(tok) > len(suffix) + 3 and tok.endswith(suffix):
            tok = tok[: -len(suffix)]
            break
    else:
        if len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
            tok = tok[:-1]  # "laws" -> "law", "fees" -> "fee"
    return tok[:-1] if len(tok) > 4 and tok.endswith("e") else tok


# Derivational suffixes ``root`` removes (longest first), leaving at least 4 letters: "hourly" -> "hour",
# "renewal" -> "renew", "solicitation" -> "solicit". Not "-ability" ("accessibility" is not "access": a training
# question found that), not "-er"/"-or" (agents: "provider" is not "provide"'s act), never a prefix
# ("non-compete" stays apart from "compete").
_DERIVATIONAL = ("ations", "ation", "ition", "ments", "ment", "ness", "ions", "ion", "ally", "ly", "al")


def root(term: str) -> str:
    """A stemmed term without its derivational suffix: the unit two wordings of one idea share."""
    for suffix in _DERIVATIONAL:
        if len(term) - len(suffix) >= 4 and term.endswith(suffix):
            return term[: -len(suffix)]
    return term


def spelling(term: str) -> str:
    """``root`` without a doubled final consonant, for asking whether the evidence holds a key term: "capped" and
    "cap", "permitted" and "permit" are one word ("capped" stems to "capp"). The lexical score keeps ``root``."""
    r = root(term)
    return r[:-1] if len(r) > 3 and r[-1] == r[-2] and r[-1] not in "aeiouslz" else r


# Words that frame a question rather than name what it is about: never "key terms" for abstention.
_FRAME_WORDS = """say says said describe explain happen happens mean means meaning clause provision section article
document agreement contract apply applies exist now get gets need needed allow allowed require required list
long often soon quickly big kind type amount number period time have has one after before come comes
within each until fast maximum minimum frequency definition define defined deadline duration cost costs behalf"""
_FRAME = {stem(w) for w in _FRAME_WORDS.split()}


_TOKEN = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*(?:-[a-z0-9]+)*")


def words(text: str) -> list[str]:
    """Lower-case tokens without stop words; a hyphenated compound ("non-compete", "step-in") is one token."""
    return [tok.replace("-", "") for tok in _TOKEN.findall(text.lower()) if tok not in _STOP]


def terms(text: str) -> list[str]:
    return [stem(tok) for tok in words(text)]


def roots(text: str) -> set[str]:
    return {root(t) for t in terms(text)}


def question_roots(question: str, naming: Iterable[str] = ()) -> dict[str, bool]:
    """The question's terms (less the words naming its document) → whether it is a frame word ("clause",
    "say", "duration"): a frame word helps when a passage uses it ("5. Duration") but is not missing when none
    does."""
    skip = set(naming)
    return {root(t): t in _FRAME for t in terms(question) if t not in skip}


def context_roots(context: str) -> set[str]:
    """Terms of a heading path / column-header context without the headings' numbering ("Article 2 - Rent",
    "1.32 Credit Control"): a section number is not what a question's "year 2" or "P1" asks about."""
    parts = re.split(r"\n| > ", context)
    return set().union(set(), *(roots(_NUMBERED.sub("", p.strip(), count=1)) for p in parts))


FURNITURE = re.compile(
    r"(?i)^[-\u2013 ]*(page\s*)?\d+(\s*(of|/)\s*\d+)?[-\u2013 ]*$|^.{0,60}\bpage\s+\d+(\s+of\s+\d+)?$"
)


def not_an_answer(text: str) -> bool:
    """A title, section heading, defined term or page furniture standing alone (never an answer by itself)."""
    line = " ".join(text.split())
    return bool(FURNITURE.match(line) or re.fullmatch(r'"[^"]{1,60}"', line)) or is_heading(text)


def trim_heading(text: str, s: int, e: int) -> tuple[int, str]:
    """A heading line glued onto the first sentence of its section ("16. Governing Law\nThis Agreement ..."):
    the quote starts after it; the heading becomes the sentence's context."""
    heading = []
    while True:
        nl = text.find("\n", s, e)
        if nl < 0 or not not_an_answer(text[s:nl]):
            break
        heading.append(text[s:nl].strip())
        s = nl + 1
        while s < e and text[s].isspace():
            s += 1
    return s, " ".join(heading)


def table_cells(line: str) -> list[str] | None:
    parts = [" ".join(p.split()) for p in line.strip().strip("|").split("|")]
    return parts if "|" in line and len(parts) >= 2 else None


def looks_like_header(cells: list[str]) -> bool:
    """Column headers name things: every cell filled, none a number or an amount."""
    return all(c and not re.search(r"\d", c.replace("(USD)", "")) for c in cells) and len(cells) >= 2


def name_terms(document_name: str) -> set[str]:
    """Words that identify a document in a question: its file-name words and their acronym ("msa")."""
    base = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", document_name)
    named = [w for w in re.findall(r"[A-Za-z]+", base.replace("_", " ")) if w.lower() not in _NAME_NOISE]
    out = {stem(w.lower()) for w in named if len(w) > 2 and w.lower() not in _STOP}
    raw = re.findall(r"[A-Za-z]+", base.replace("_", " "))
    if len(raw) >= 2:
        out.add("".join(w[0] for w in raw).lower())
    return out


def focus(question: str, hits: list[Hit]) -> tuple[list[Hit], set[str]]:
    """Hits of the documents the question names, and the naming words; all hits when it names none of them.
    A file-name word names a document only when the retrieved text of documents without it in their name does
    not use it: "service" in "What service credit applies ...?" is what the question is about, not a pointer
    to master_services_agreement.pdf, when the subscription agreement's passages speak of the Service too."""
    q = set(terms(question))
    names = {h.document_name: name_terms(h.document_name) for h in hits}
    used: dict[str, set[str]] = {}  # document → stems its retrieved text uses
    for h in hits:
        used.setdefault(h.document_name, set()).update(terms(h.chunk.text))

    def distinctive(t: str, doc: str) -> bool:
        return not any(t in used[d] for d in used if d != doc and t not in names[d])

    named = {d: {t for t in n & q if distinctive(t, d)} for d, n in names.items()}
    named = {d: t for d, t in named.items() if t}
    if not named:
        return hits, set()
    best = max(len(t) for t in named.values())
    keep = {d for d, t in named.items() if len(t) == best}
    return [h for h in hits if h.document_name in keep], set().union(*named.values())


def key_terms(question: str, naming: set[str]) -> dict[str, str]:
    """Stem → the question's word, for the words that say what the question is about."""
    out: dict[str, str] = {}
    for word in words(question):
        t = stem(word)
        if t not in _FRAME and t not in naming and len(t) > 2 and not word.isdigit():
            out.setdefault(t, word)
    return out


def evidence_words(hits: list[Hit], contexts: Iterable[str] = ()) -> set[str]:
    """Words of the retrieved passages, their headings and column headers, and their documents' names."""
    out: set[str] = set()
    for h in hits:
        out.update(words(h.chunk.text), words(h.chunk.context))
        out.update(name_terms(h.document_name))
    for context in contexts:
        out.update(words(context))
    return out


def _root_seq(text: str) -> list[str]:
    return [root(stem(tok.replace("-", ""))) for tok in _TOKEN.findall(text.lower().replace("'s", ""))]


def absent_names(question: str, naming: set[str], texts: Iterable[str]) -> list[str]:
    """Names in the question ("the Platinum tier", "a Data Scientist", "the VAT number": capitalised words
    after the first, consecutive ones one name) that no evidence text holds, as a phrase or word by word.
    A name is never
    paraphrased, so an absent one means the documents do not speak of it (``rag/support.py`` holds LLM claims to
    the same rule). A question in Title Case names nothing this way."""
    toks = re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", question.replace("’", "'"))
    caps = [
        i > 0 and t[0].isupper() and t.lower() not in _STOP and stem(t.lower()) not in naming
        for i, t in enumerate(toks)
    ]
    content = [t for t in toks[1:] if t.lower() not in _STOP]
    if not content or sum(caps) > 0.6 * len(content):
        return []
    names, current = [], []
    for t, cap in zip(toks + [""], caps + [False]):
        if cap:
            current.append(t)
        elif current:
            names.append(" ".join(current))
            current = []
    if not names:
        return []
    seqs = [_root_seq(t) for t in texts]
    haystack = [" ".join(seq) for seq in seqs]
    bags = [set(seq) for seq in seqs]
    # a capitalised phrase whose words one passage holds, not as a phrase, is a defined term worded differently
    # ("Receiving Party" where the NDA says "the receiving party of the information"), left to the key-term
    # rule; a name has a word no passage holds with the others ("Data Engineer" beside "Data Warehouse" and
    # "named engineer")
    return [
        n
        for n in names
        if not any(f" {' '.join(_root_seq(n))} " in f" {h} " for h in haystack)
        and not any(set(_root_seq(n)) <= bag for bag in bags)
    ]
