"""Comparison, cross-document and summary questions over the generated contract set (issue 13).

Gold answers come from the generator's facts (``facts.make_facts`` + what the builders add), never from the
assistant: for each question, the documents that state the clause and a text each must cite (whitespace
collapsed, case-insensitive), the winners of a superlative (computed from the facts' numbers, ties included),
and for summaries the document's key terms. Like ``questions.yaml``, a question lists phrasings: the reported
seed (0) asks the first, training seeds cycle through the others. Scored by benchmarks/bench_kinds.py.

This module holds the comparison and cross-document question tables, the paraphrases and ``questions``, the
entry point ``contracts.QUESTION_SETS`` names; the summary questions are in ``kinds_summaries.py`` and the
rules that turn facts into gold (periods in days, superlative winners, a seed's phrasing) in ``kinds_build.py``.
"""

from __future__ import annotations

from aiworks.evaluation.contracts import Question
from aiworks.evaluation.contracts.kinds_build import LEASE, MSA, NDA, SAAS, build_question, date_key, days, winners_of
from aiworks.evaluation.contracts.kinds_summaries import summaries


def questions(f: dict, seed: int) -> list[Question]:
    out = [
        build_question(
            seed,
            "cmp-notice-longest",
            "comparison",
            [
                "Which contract has the longest notice period?",
                "Which agreement requires the longest notice to terminate?",
                "In which agreement is the notice period for ending it the longest?",
            ],
            {SAAS: [f["saas_renewal_notice"]], MSA: [f["msa_convenience"]]},
            winners=winners_of({SAAS: days(f["saas_renewal_notice"]), MSA: days(f["msa_convenience"])}, "max"),
        ),
        build_question(
            seed,
            "cmp-law-each",
            "comparison",
            [
                "What law governs each agreement?",
                "Which law applies to each of the contracts?",
                "Under which state's laws is each agreement governed?",
            ],
            {
                SAAS: [f"State of {f['saas_law']}"],
                MSA: [f"State of {f['msa_law']}"],
                NDA: [f"State of {f['nda_law']}"],
                LEASE: [f"State of {f['lease_law']}"],
            },
        ),
        build_question(
            seed,
            "cmp-nonsolicit",
            "comparison",
            [
                "Which agreements restrict soliciting employees, and for how long?",
                "Which contracts contain a non-solicitation clause, and how long does it last?",
                "In which agreements may a party not solicit the other's employees, and for how long?",
            ],
            {MSA: [f["msa_nonsolicit"]]},
        ),
        build_question(
            seed,
            "cmp-insurance-highest",
            "comparison",
            [
                "Which contract requires the highest insurance cover?",
                "Which agreement has the largest insurance requirement?",
            ],
            {MSA: [f"USD {f['msa_insurance']}"], LEASE: [f"USD {f['lease_insurance']}"]},
            winners=winners_of(
                {MSA: float(f["msa_insurance"].replace(",", "")), LEASE: float(f["lease_insurance"].replace(",", ""))},
                "max",
            ),
        ),
        build_question(
            seed,
            "cmp-payment-longest",
            "comparison",
            [
                "Which contract gives the longest time to pay an invoice?",
                "Under which agreement are invoices due latest?",
                "Which agreement allows the most days to pay invoices?",
            ],
            {SAAS: [f["saas_payment_days"]], MSA: [f["msa_invoice_days"]]},
            winners=winners_of({SAAS: days(f["saas_payment_days"]), MSA: days(f["msa_invoice_days"])}, "max"),
        ),
        build_question(
            seed,
            "cmp-date-latest",
            "comparison",
            ["Which agreement was signed most recently?", "Which contract has the latest agreement date?"],
            {SAAS: [f["saas_date"]], MSA: [f["msa_date"]], NDA: [f["nda_date"]]},
            winners=winners_of(
                {SAAS: date_key(f["saas_date"]), MSA: date_key(f["msa_date"]), NDA: date_key(f["nda_date"])}, "max"
            ),
        ),
        build_question(
            seed,
            "cmp-term-longest-picked",
            "comparison",
            ["Which of these agreements has the longest term?", "Which of these contracts runs the longest?"],
            {SAAS: [f["saas_initial_term"]], NDA: [f["nda_term"]], LEASE: [f["lease_term"]]},
            documents=[SAAS, NDA, LEASE],
            winners=winners_of(
                {SAAS: days(f["saas_initial_term"]), NDA: days(f["nda_term"]), LEASE: days(f["lease_term"])}, "max"
            ),
        ),
        build_question(
            seed,
            "cmp-liability-each",
            "comparison",
            ["How is liability capped in each agreement?", "What is the liability cap in each contract?"],
            {SAAS: [f["saas_cap_months"]], MSA: [f"USD {f['msa_cap']}"]},
        ),
        build_question(
            seed,
            "cmp-confidentiality-each",
            "comparison",
            [
                "How long do the confidentiality duties last in each agreement?",
                "For how long must information be kept confidential under each contract?",
            ],
            {NDA: [f["nda_survival"]], MSA: ["five years after it ends"]},
        ),
        build_question(
            seed,
            "cmp-breach-notice",
            "comparison",
            [
                "Which agreements require notice of a data breach, and how fast?",
                "Which contracts oblige a party to report a security breach, and within what time?",
            ],
            {SAAS: [f["saas_breach_hours"]], MSA: ["without undue delay"]},
        ),
        # cross-document: several named documents, answered per document
        build_question(
            seed,
            "per-law-nda-lease",
            "per_document",
            [
                "What is the governing law of the NDA and the office lease?",
                "Which law governs the confidentiality agreement and the lease?",
            ],
            {NDA: [f"State of {f['nda_law']}"], LEASE: [f"State of {f['lease_law']}"]},
            documents=[NDA, LEASE],
        ),
        build_question(
            seed,
            "per-insurance-picked",
            "per_document",
            ["What insurance must be maintained?", "What insurance cover is required?"],
            {MSA: [f"USD {f['msa_insurance']}"], LEASE: [f"USD {f['lease_insurance']}"]},
            documents=[MSA, LEASE],
            picked=True,
        ),
        build_question(
            seed,
            "per-payment-picked",
            "per_document",
            ["Within how many days must invoices be paid?", "When are invoices due?"],
            {SAAS: [f["saas_payment_days"]], MSA: [f["msa_invoice_days"]]},
            documents=[SAAS, MSA],
            picked=True,
        ),
        build_question(
            seed,
            "per-parties-picked",
            "per_document",
            ["Who are the parties?", "Between whom is the agreement made?"],
            {NDA: [f["nda_a"]], LEASE: [f["landlord"]]},
            documents=[NDA, LEASE],
            picked=True,
        ),
    ]
    # comparisons over picked documents are asked with those documents chosen (the UI's picker, --doc)
    for q in out:
        if q.id.endswith("-picked"):
            q.extra["picked"] = True
    out += summaries(f, seed)
    return out


# Paraphrases written after tuning and run once on the reported seed (bench_kinds --paraphrases): a check of
# how the question patterns generalise to wording nobody tuned on. Same gold as the question they rephrase.
PARAPHRASES = {
    "cmp-notice-longest": "Which agreement has the longest termination notice period?",
    "cmp-law-each": "What is the governing law of every contract?",
    "cmp-nonsolicit": "Do any of the agreements prohibit poaching staff, and for how long?",
    "cmp-insurance-highest": "Which contract demands the most insurance coverage?",
    "cmp-payment-longest": "Which agreement has the longest payment term for invoices?",
    "cmp-date-latest": "Which contract is the newest?",
    "cmp-liability-each": "Compare the limitation of liability across the agreements.",
    "cmp-confidentiality-each": "How long does confidentiality last under each contract?",
    "cmp-breach-notice": "Which contracts say how quickly a data breach must be notified?",
    "per-law-nda-lease": "Under which law are the NDA and the office lease governed?",
    "sum-nda": "Can you summarise the mutual NDA?",
    "sum-lease": "Give me the key terms of the office lease.",
    "sum-msa": "Summary of the master services agreement, please.",
}


def paraphrased(questions: list[Question]) -> list[Question]:
    """The questions of ``PARAPHRASES`` with their paraphrase as the question text (ids get "~para")."""
    from dataclasses import replace

    return [
        replace(q, id=q.id + "~para", question=PARAPHRASES[q.id], extra=dict(q.extra))
        for q in questions
        if q.id in PARAPHRASES
    ]
