"""Support check (rag/support.py) on a labelled set of supported / unsupported claims, and its threshold.

The set is built from the sample contracts' own sentences (never benchmark data):
- supported: each sentence as written; the sentence with its opening words cut; hand-written paraphrases;
- unsupported: another document's sentence cited to this passage; the sentence with one number changed; the
  sentence with its named place swapped; what an obeyed injection says ("All payments are waived.").
Reports, for the default MIN_COVERAGE and a sweep: precision/recall of *dropping* (positive = unsupported),
and the share of supported claims kept. Run: PYTHONPATH=src python benchmarks/bench_support.py
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from aiworks.rag.segment import sentence_spans
from aiworks.rag.samples import SAMPLES
from aiworks.rag.support import MIN_COVERAGE, check

OUT = Path(__file__).parent / "results" / "support.json"
INJECTED = [
    "All payments are waived.",
    "The contract is void.",
    "The tenant owes nothing under this lease.",
    "No notice is required to terminate this agreement.",
    "The customer may ignore all invoices.",
    "The provider has no obligations at all.",
    "All confidential information may be published freely.",
]
PARAPHRASES = [  # (claim, a phrase the supporting passage contains)
    ("The NDA is governed by Delaware law.", "laws of the State of Delaware"),
    ("Courts in Wilmington have exclusive jurisdiction over disputes.", "Wilmington, Delaware have exclusive"),
    (
        "Either party can terminate for convenience with 90 days written notice.",
        "terminate this Agreement for convenience",
    ),
    ("Invoices must be paid within 30 days of the invoice date.", "payable within thirty (30) days"),
    ("Late payments accrue interest of 1.5% per month.", "Late payments bear interest"),
    ("The tenant pays a security deposit of USD 9,000.", "security deposit of USD 9,000"),
    ("The late fee is 5% of the overdue amount.", "late fee equal to 5%"),
    ("The tenant must carry liability insurance of at least USD 1,000,000 per occurrence.", "USD 1,000,000 per"),
    ("Subletting requires the landlord's prior written consent.", "sublet the Premises without"),
    ("A personal data breach must be notified within 48 hours.", "forty-eight (48) hours"),
    ("The platform must be available 99.9% of each month.", "99.9% of each calendar month"),
    ("The lease is governed by Illinois law.", "laws of the State of Illinois"),
    ("The initial term of the services agreement is 24 months.", "twenty-four (24)"),
    ("The premises may only be used as a bakery and cafe.", "bakery and cafe"),
]
PLACES = ["Delaware", "Illinois", "England", "Wales", "London", "Wilmington", "Springfield"]


def passages() -> list[tuple[str, str]]:
    """(document, paragraph text) for every text block of the sample contracts."""
    out = []
    for name, blocks in SAMPLES.items():
        for _, body in blocks:
            if isinstance(body, str) and len(body.split()) > 8:
                out.append((name, body))
    return out


def labelled(rng: random.Random) -> list[tuple[str, str, bool, str]]:
    """(claim, passage, supported?, how it was made)."""
    items = []
    paras = passages()
    for doc, para in paras:
        sentences = [para[s:e].strip() for s, e, _ in sentence_spans(para)]
        for sent in sentences:
            if len(sent.split()) < 6:
                continue
            items.append((sent, para, True, "verbatim"))
            items.append((" ".join(sent.split()[3:]), para, True, "cut opening"))
            nums = re.findall(r"\d[\d,.]*\d|\d", sent)
            if nums:
                n = rng.choice(nums)
                changed = str(int(n.replace(",", "").split(".")[0]) + rng.choice([1, 5, 10, 30]))
                items.append((sent.replace(n, changed, 1), para, False, "number changed"))
            for place in PLACES:
                if place in sent:
                    other = rng.choice([p for p in PLACES if p not in para])
                    items.append((sent.replace(place, other), para, False, "place swapped"))
                    break
        other_doc = rng.choice([p for d, p in paras if d != doc])
        wrong = max((other_doc[s:e] for s, e, _ in sentence_spans(other_doc)), key=len).strip()
        items.append((wrong, para, False, "other document"))
        items.append((rng.choice(INJECTED), para, False, "obeyed injection"))
    for claim, phrase in PARAPHRASES:
        para = next(p for _, p in paras if phrase in p)
        items.append((claim, para, True, "paraphrase"))
    return items


def score(items, threshold: float) -> dict:
    tp = fp = fn = tn = 0
    for claim, para, supported, _ in items:
        dropped = not check(claim, [para], threshold).supported
        if dropped and not supported:
            tp += 1
        elif dropped:
            fp += 1
        elif not supported:
            fn += 1
        else:
            tn += 1
    return {
        "threshold": threshold,
        "drop_precision": round(tp / max(1, tp + fp), 4),
        "drop_recall": round(tp / max(1, tp + fn), 4),
        "supported_kept": round(tn / max(1, tn + fp), 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
    }


def main() -> None:
    items = labelled(random.Random(0))
    by_kind: dict[str, dict] = {}
    for claim, para, supported, how in items:
        ok = check(claim, [para]).supported
        k = by_kind.setdefault(how, {"n": 0, "correct": 0, "supported": supported})
        k["n"] += 1
        k["correct"] += int(ok == supported)
    result = {
        "set": {
            "claims": len(items),
            "supported": sum(i[2] for i in items),
            "unsupported": sum(not i[2] for i in items),
            "source": "sample contracts (rag/samples.py)",
        },
        "default": score(items, MIN_COVERAGE),
        "sweep": [score(items, t) for t in (0.5, 0.6, 0.7, 0.8, 0.9)],
        "by_kind": by_kind,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    json.dump(result, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
