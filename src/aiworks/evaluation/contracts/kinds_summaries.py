"""The summary questions of the kinds set: "Summarize X", and the key terms a right summary of X must cite.

Why a module of its own: a summary's gold is not one clause but a table of each document's key terms
(label → the text a cited passage must hold, from the generator's facts), the largest table of the set;
the comparison and cross-document questions (``kinds_set.py``) ask for one clause per document.
"""

from __future__ import annotations

from aiworks.evaluation.contracts import Question
from aiworks.evaluation.contracts.kinds_build import AMEND, LEASE, MSA, NDA, SAAS, SHORT, build_question


def summaries(f: dict, seed: int) -> list[Question]:
    """ "Summarize X": the key terms each document has (label → text a cited passage must hold)."""
    terms = {
        NDA: {
            "parties": f["nda_a"],
            "date": f["nda_date"],
            "purpose": f["nda_purpose"],
            "term": f["nda_term"],
            "confidentiality period": f["nda_survival"],
            "return of information": f["nda_return"],
            "governing law": f"State of {f['nda_law']}",
        },
        SAAS: {
            "parties": f["saas_vendor"],
            "date": f["saas_date"],
            "initial term": f["saas_initial_term"],
            "renewal notice": f["saas_renewal_notice"],
            "payment": f["saas_payment_days"],
            "late interest": f["saas_late_interest"],
            "price increase": f["saas_price_increase"],
            "service level": f["saas_uptime"],
            "liability cap": f["saas_cap_months"],
            "breach notice": f["saas_breach_hours"],
            "data export": f["saas_export_days"],
            "governing law": f"State of {f['saas_law']}",
        },
        MSA: {
            "parties": f["msa_provider"],
            "date": f["msa_date"],
            "term": "five years",
            "termination for convenience": f["msa_convenience"],
            "cure period": f["msa_cure"],
            "payment": f["msa_invoice_days"],
            "liability cap": f"USD {f['msa_cap']}",
            "insurance": f"USD {f['msa_insurance']}",
            "confidentiality": "five years after it ends",
            "non-solicitation": f["msa_nonsolicit"],
            "governing law": f"State of {f['msa_law']}",
            "key personnel notice": f["msa_key_notice"],
            "step-in": f["msa_stepin"],
        },
        LEASE: {
            "parties": f["landlord"],
            "premises": f["lease_suite"],
            "term": f["lease_term"],
            "rent": f["rent_y1"],
            "security deposit": f"USD {f['deposit']}",
            "late charge": f["lease_late_fee"],
            "insurance": f"USD {f['lease_insurance']}",
            "governing law": f"State of {f['lease_law']}",
        },
        AMEND: {
            "parties": f["landlord"],
            "new expiry": f["amend_expiry"],
            "storage rent": f"USD {f['amend_storage_rent']}",
        },
    }
    asks = {
        NDA: [
            "Summarize the NDA.",
            "Give me an overview of the confidentiality agreement.",
            "What are the key terms of the NDA?",
        ],
        SAAS: [
            "Summarize the software subscription agreement.",
            "What are the key terms of the subscription agreement?",
        ],
        MSA: ["Summarize the master services agreement.", "Give me an overview of the MSA."],
        LEASE: ["Summarize the office lease.", "What are the key terms of the office lease?"],
        AMEND: ["Summarize the first amendment to the lease.", "Give me an overview of the lease amendment."],
    }
    return [
        build_question(
            seed, f"sum-{SHORT[doc]}", "summary", asks[doc], {doc: list(t.values())}, documents=[doc], key_terms=t
        )
        for doc, t in terms.items()
    ]
