"""Articles 2-14 of the master services agreement: what each party does (appointment, statements of work,
personnel, service levels, charges and payment, change control, IP, confidentiality, data and security).
Texts are fixed except for the seeded facts ``f`` the questions ask about."""

from __future__ import annotations


def obligations(f: dict) -> list[tuple[str, list[str]]]:
    """(article title, its paragraphs), in order."""
    return [
        (
            "Appointment",
            [
                (
                    "The Client appoints the Provider on a non-exclusive basis to provide the Services described "
                    "in Schedule 1 and in each Statement of Work."
                ),
                ("Nothing in this Agreement obliges the Client to order any minimum volume of Services."),
            ],
        ),
        (
            "Statements of Work",
            [
                (
                    "Each Statement of Work is governed by this Agreement. If a Statement of Work "
                    "conflicts with this Agreement, this Agreement prevails unless the Statement of Work "
                    "expressly states otherwise."
                )
            ],
        ),
        (
            "Provider Obligations",
            [
                (
                    "The Provider shall perform the Services with the skill and care of a competent "
                    "provider of similar services, comply with the Client's site and security policies, "
                    "and use appropriately qualified personnel."
                )
            ],
        ),
        (
            "Key Personnel",
            [
                (
                    f"The Provider shall not remove or replace any Key Personnel without giving the Client at "
                    f"least {f['msa_key_notice']} prior written notice, except for illness, resignation or "
                    "termination for cause."
                ),
                (
                    "Any replacement must have equivalent skills and experience "
                    "and is subject to the Client's reasonable approval."
                ),
            ],
        ),
        (
            "Client Obligations",
            [
                (
                    "The Client shall provide the access, information and decisions reasonably "
                    "required for the Services, and shall ensure its dependencies in Schedule 1 are met."
                )
            ],
        ),
        (
            "Service Levels",
            [
                (
                    "The Provider shall meet or exceed the Service Levels in Schedule 3. Service credits "
                    "are a price adjustment reflecting the reduced value of the Services, not a penalty."
                )
            ],
        ),
        (
            "Charges",
            [
                (
                    "The Client shall pay the Charges calculated at the rates in the rate card in Schedule 2. "
                    "Rates are fixed for the first two contract years and may then be adjusted once a year by "
                    "agreement."
                )
            ],
        ),
        (
            "Invoicing and Payment",
            [
                (
                    f"The Provider shall invoice monthly in arrears. The Client shall pay each "
                    f"undisputed invoice within {f['msa_invoice_days']} of receipt."
                ),
                ("A disputed amount may be withheld in good faith while the dispute is resolved under Article 27."),
            ],
        ),
        (
            "Change Control",
            [
                (
                    "Either party may propose a Change Request. No change is binding until both parties "
                    "sign a change note describing its effect on the Charges, timetable and Service Levels."
                )
            ],
        ),
        (
            "Intellectual Property",
            [
                (
                    "Deliverables created specifically for the Client vest in the Client on payment. "
                    "The Provider retains its pre-existing materials and grants the Client a perpetual "
                    "licence to use them as part of the Deliverables."
                )
            ],
        ),
        (
            "Confidentiality",
            [
                (
                    "Each party shall keep the other's confidential information secret and use it only "
                    "for this Agreement, for the term and five years after it ends."
                )
            ],
        ),
        (
            "Data Protection",
            [
                (
                    "The Provider shall process personal data only on the Client's documented "
                    "instructions and shall notify the Client of any personal data breach without undue "
                    "delay."
                )
            ],
        ),
        (
            "Information Security",
            [
                (
                    "The Provider shall maintain an information security programme certified to "
                    "ISO/IEC 27001 and shall remedy high-severity vulnerabilities in systems used for "
                    "the Services within the periods in the Client's security policy."
                )
            ],
        ),
    ]
