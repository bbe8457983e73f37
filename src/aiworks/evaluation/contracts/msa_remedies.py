"""Articles 15-31 of the master services agreement: continuity, audit and records, subcontracting,
restrictions, warranties and indemnities, liability and insurance, step-in, term and termination, exit,
disputes, force majeure, notices and governing law. Texts are fixed except for the seeded facts ``f``."""

from __future__ import annotations


def remedies(f: dict) -> list[tuple[str, list[str]]]:
    """(article title, its paragraphs), in order, after ``msa_obligations.obligations``."""
    return [
        (
            "Business Continuity and Disaster Recovery",
            [
                (
                    f"The Provider shall maintain a business continuity and disaster recovery plan for the Services and test "
                    f"it at least once a year. Following a disaster, the Provider shall restore the critical Services within "
                    f"a recovery time objective of {f['msa_rto']}."
                ),
                (
                    "The Provider shall share a summary of each test result "
                    "with the Client within twenty business days of the test."
                ),
            ],
        ),
        (
            "Audit",
            [
                (
                    f"The Client, or an independent auditor it appoints, may audit the Provider's compliance with this "
                    f"Agreement {f['msa_audit']} in any contract year, on at least fifteen business days' notice and "
                    "during normal business hours."
                ),
                (
                    "The Client bears the cost of an audit unless it reveals an "
                    "overcharge of more than five percent, in which case the Provider bears it."
                ),
            ],
        ),
        (
            "Records",
            [
                (
                    f"The Provider shall keep complete and accurate records of the Services and the Charges for "
                    f"{f['msa_retention']} after the year to which they relate."
                )
            ],
        ),
        (
            "Subcontracting",
            [
                (
                    "The Provider may not subcontract any material part of the Services without the "
                    "Client's prior written consent, and remains responsible for its subcontractors."
                )
            ],
        ),
        (
            "Non-Solicitation",
            [
                (
                    f"During the term and for {f['msa_nonsolicit']} after it ends, neither party shall "
                    "solicit for employment any employee of the other party who was involved in the "
                    "Services, other than through general advertising not targeted at such employees."
                )
            ],
        ),
        (
            "Warranties",
            [
                (
                    "Each party warrants that it has full power to enter into this Agreement. The Provider "
                    "warrants that the Deliverables will conform to their specifications for ninety days after "
                    "acceptance."
                )
            ],
        ),
        (
            "Indemnities",
            [
                (
                    "The Provider shall indemnify the Client against third-party claims that the Deliverables "
                    "infringe intellectual property rights, and against losses caused by the Provider's breach "
                    "of Article 12."
                )
            ],
        ),
        (
            "Limitation of Liability",
            [
                (
                    f"Each party's total aggregate liability arising out of or in connection with "
                    f"this Agreement shall not exceed USD {f['msa_cap']}."
                ),
                (
                    "Neither party is liable "
                    "for indirect or consequential loss, loss of profit or loss of goodwill. The "
                    "limits do not apply to liability for death or personal injury caused by "
                    "negligence, fraud, or breach of Article 11."
                ),
            ],
        ),
        (
            "Insurance",
            [
                (
                    f"The Provider shall maintain professional indemnity insurance with a limit of not less than "
                    f"USD {f['msa_insurance']} per claim during the term and for three years after it ends, and "
                    "shall provide certificates of insurance on request."
                )
            ],
        ),
        (
            "Step-In Rights",
            [
                (
                    f"If the Provider commits a material failure of a critical Service, the Client may, on "
                    f"written notice, step in and operate the affected Service itself or through a third "
                    f"party for up to {f['msa_stepin']}."
                ),
                (
                    "The Provider shall cooperate fully with the "
                    "Client and its third party during the step-in period, and the Charges for the affected "
                    "Service are suspended while the Client operates it."
                ),
            ],
        ),
        (
            "Term",
            [
                (
                    "This Agreement starts on the Effective Date and continues for five years unless terminated "
                    "earlier under Article 25. The Client may extend it once by up to two years by written notice "
                    "given at least six months before expiry."
                )
            ],
        ),
        (
            "Termination",
            [
                (
                    f"The Client may terminate this Agreement or any Statement of Work for convenience by giving "
                    f"the Provider at least {f['msa_convenience']} written notice."
                ),
                (
                    f"Either party may terminate this Agreement by written notice if the other commits a "
                    f"material breach and does not remedy it within {f['msa_cure']} of being notified of it."
                ),
            ],
        ),
        (
            "Exit Management",
            [
                (
                    "On expiry or termination the Provider shall provide the exit assistance described in "
                    "the exit plan for up to six months, at the rates in Schedule 2, so that the Services "
                    "transfer to the Client or a replacement provider without interruption."
                )
            ],
        ),
        (
            "Dispute Resolution",
            [
                (
                    "The parties shall first try to resolve any dispute through their contract managers, "
                    "then through senior executives. A dispute not resolved within thirty days may be "
                    "referred to mediation before either party starts court proceedings."
                )
            ],
        ),
        (
            "Force Majeure",
            [
                (
                    "Neither party is liable for failure to perform caused by circumstances beyond its "
                    "reasonable control. If such circumstances continue for more than sixty days, either "
                    "party may terminate the affected Statement of Work."
                )
            ],
        ),
        (
            "Notices",
            [
                (
                    "Notices must be in writing and delivered by hand, by courier or by email with confirmation of "
                    "receipt to the addresses in the signature block."
                )
            ],
        ),
        (
            "Governing Law and Jurisdiction",
            [
                (
                    f"This Agreement and any dispute arising out of it are governed by the "
                    f"laws of the State of {f['msa_law']}. The courts of {f['msa_city']} have "
                    "exclusive jurisdiction."
                )
            ],
        ),
    ]
