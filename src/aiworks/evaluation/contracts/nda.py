"""The mutual NDA of the contract set (DOCX, with a signature table). Deliberately no force majeure,
non-compete or liability cap: the unanswerable questions ask about them."""

from __future__ import annotations

from aiworks.evaluation.contracts.facts import wording as _v
from aiworks.evaluation.contracts.render import Spec


def nda(f: dict) -> Spec:
    a, bb = f["nda_a"], f["nda_b"]
    b = [
        ("title", "Mutual Confidentiality Agreement"),
        (
            "para",
            (
                f"This Mutual Confidentiality Agreement is made on {f['nda_date']} between {a} and {bb} (each a "
                '"Party", and together the "Parties").'
            ),
        ),
        ("heading", "Background"),
        ("para", f'The Parties intend to exchange information to evaluate {f["nda_purpose"]} (the "Project").'),
        ("heading", "1. Meaning of Confidential Information"),
        (
            "para",
            (
                '"Confidential Information" means all information of a Party, in any form, that is disclosed to the '
                "other Party in connection with the Project and is marked confidential or would reasonably be "
                "regarded as confidential, including business plans, pricing, technical data and the existence of "
                "the discussions."
            ),
        ),
        ("heading", "2. Duties of the Recipient"),
        (
            "para",
            _v(
                f,
                "The recipient shall keep the Confidential Information secret, use it only for the Project, "
                "and disclose it only to its directors, employees and professional advisers who need it for "
                "the Project and are bound by equivalent duties.",
                "Each recipient must hold the Confidential Information in confidence, use it solely for the "
                "Project, and share it only with directors, employees and professional advisers who need to "
                "know it and are bound by equivalent duties.",
            ),
        ),
        ("heading", "3. Exceptions"),
        (
            "para",
            (
                "These duties do not apply to information that is public through no breach of this agreement, was "
                "already lawfully held by the recipient, is independently developed, or must be disclosed by law, "
                "in which case the recipient shall first notify the discloser where lawful."
            ),
        ),
        ("heading", "4. Return or Destruction"),
        (
            "para",
            (
                f"On written request, the recipient shall return or destroy the Confidential Information within "
                f"{f['nda_return']} and confirm in writing that it has done so."
            ),
        ),
        ("heading", "5. Duration"),
        (
            "para",
            (
                f"This agreement lasts for {f['nda_term']} from its date. The duties of confidentiality continue for "
                f"{f['nda_survival']} after it ends."
            ),
        ),
        ("heading", "6. No Obligation and No Warranty"),
        (
            "para",
            (
                "Neither Party is obliged to enter into any further agreement. Confidential Information is provided "
                "as is, without any warranty as to its accuracy or completeness."
            ),
        ),
        ("heading", "7. Remedies"),
        (
            "para",
            (
                "The Parties agree that damages may not be an adequate remedy for breach, and that the discloser "
                "may seek an injunction or specific performance in addition to any other remedy."
            ),
        ),
        ("heading", "8. Law and Courts"),
        (
            "para",
            (
                f"This agreement is governed by the laws of the State of {f['nda_law']}, and the courts of "
                f"{f['nda_city']} have exclusive jurisdiction."
            ),
        ),
        ("heading", "Signed"),
        (
            "table",
            [
                ["Party", "Signatory", "Title"],
                [a, "J. Whitfield", "Managing Director"],
                [bb, "R. Okafor", "General Counsel"],
            ],
        ),
    ]
    return Spec("mutual_nda.docx", b, header=f"{a} / {bb} - Confidential", size=11)
