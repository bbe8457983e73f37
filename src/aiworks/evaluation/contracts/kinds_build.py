"""How a question of the kinds set is built: its documents, the arithmetic its gold needs, and its wording.

Why a module of its own: the question tables (``kinds_set.py``) only say what is asked and which fact
answers it; the rules that turn facts into gold live here, once: a generator period in days and a date as a
sortable number (to find a superlative's winners, ties included), and which phrasing a seed asks (the
reported seed the first, training seeds cycle through the others, as in ``questions.yaml``).
"""

from __future__ import annotations

import re

from aiworks.evaluation.contracts import Question

SAAS, MSA, NDA = "saas_subscription_agreement.pdf", "master_services_agreement.pdf", "mutual_nda.docx"
LEASE, AMEND = "office_lease.pdf", "lease_amendment_scanned.pdf"
ALL = [SAAS, MSA, NDA, LEASE, AMEND]
SHORT = {SAAS: "saas", MSA: "msa", NDA: "nda", LEASE: "lease", AMEND: "amendment"}
_DAYS = {"hour": 1 / 24, "day": 1, "business day": 1.4, "week": 7, "month": 365.25 / 12, "year": 365.25}


def days(period: str) -> float:
    """Days in a generator period ("sixty (60) days", "twenty (20) business days")."""
    m = re.search(r"\((\d+)\)\s+(business day|hour|day|week|month|year)", period)
    if m is None:
        raise ValueError(f"not a generator period: {period!r}")
    return int(m.group(1)) * _DAYS[m.group(2)]


def date_key(text: str) -> int:
    """A generator date ("3 February 2026") as a number that sorts like the date (20260203)."""
    months = "January February March April May June July August September October November December".split()
    d, m, y = text.split()
    return int(y) * 10000 + (months.index(m) + 1) * 100 + int(d)


def winners_of(values: dict[str, float], direction: str) -> list[str]:
    """The documents with the largest (``"max"``) or smallest value, all of them when several tie."""
    best = (max if direction == "max" else min)(values.values())
    return sorted(d for d, v in values.items() if abs(v - best) < 1e-6)


def build_question(
    seed: int, qid: str, kind: str, phrasings: list[str], gold: dict[str, list[str]], **extra
) -> Question:
    """A question of ``kind`` in the phrasing ``seed`` asks; ``gold``: document → texts a citation of it must hold;
    ``extra`` (``documents``: the scope, default all five; ``winners``, ``picked``, ...) goes to ``Question.extra``."""
    text = phrasings[0] if seed == 0 or len(phrasings) == 1 else phrasings[1 + (seed - 1) % (len(phrasings) - 1)]
    scope = extra.get("documents") or ALL
    return Question(
        qid, kind, extra.pop("category", kind), text, None, [], {"gold_docs": gold, "scope": scope, **extra}
    )
