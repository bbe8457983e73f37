"""The wording of the three sample contracts, and the questions asked about them.

Why a module of its own: this is data (each contract as a list of blocks, the demo's questions with the phrase
the cited clause must contain, the abstention calibration questions) that the demo, tests and benchmarks read
without writing a PDF; ``samples.py`` turns the blocks into PDFs. The wording is ours; the clauses are
typical, so the demo questions have one right answer each.

A contract is a list of ``(heading, body)`` blocks: ``(title, None)`` the document title, ``("PAGE", None)`` a
page break, ``("TABLE", rows)`` a table whose first row is the header, otherwise a clause (heading may be None).
"""

from __future__ import annotations

# (question, file the answer lives in, a phrase the cited clause must contain): used by the demo and tests.
DEMO_QUESTIONS: list[tuple[str, str, str]] = [
    ("What law governs the NDA?", "nda.pdf", "laws of the State of Delaware"),
    (
        "How much notice is needed to terminate the services agreement for convenience?",
        "services_agreement.pdf",
        "ninety (90) days",
    ),
    ("How much is the security deposit under the lease?", "lease.pdf", "security deposit of USD 9,000"),
]
# Questions these documents do not answer (the assistant must abstain).
UNANSWERABLE_QUESTIONS: list[str] = ["What is the boiling point of mercury in Kelvin?"]
# Our own calibration set for the abstention threshold (never benchmark data): answerable / unanswerable.
CALIBRATION_ANSWERABLE: list[str] = [q for q, _, _ in DEMO_QUESTIONS] + [
    "Who are the parties to the NDA?",
    "What is the monthly rent in year 2?",
    "How long do confidentiality obligations last?",
    "What uptime does the provider guarantee?",
    "When are invoices due?",
    "What insurance must the tenant carry?",
    "What is the late fee for rent?",
    "Can the tenant sublet the premises?",
    "How quickly must a data breach be notified?",
]
CALIBRATION_UNANSWERABLE: list[str] = UNANSWERABLE_QUESTIONS + [
    "Who won the 2018 World Cup?",
    "What is the non-compete period for employees?",
    "How many vacation days do employees get?",
    "What is the CEO salary?",
    "Is there an arbitration clause in the lease?",
    "What is the recipe for sourdough bread?",
    "What is the stock option vesting schedule?",
    "Which patents are licensed under the agreement?",
]

_NDA = [
    ("MUTUAL NON-DISCLOSURE AGREEMENT", None),
    (
        None,
        'This Mutual Non-Disclosure Agreement (this "NDA") is entered into as of 3 February 2026 (the '
        '"Effective Date") by and between Northwind Analytics Ltd., a company with offices at 18 Harbour Road, '
        'Wilmington, and Bluefin Robotics Inc., a Delaware corporation (each a "Party").',
    ),
    (
        "1. Purpose",
        "The Parties wish to evaluate a possible collaboration on warehouse automation software (the "
        '"Purpose"). In doing so, each Party may disclose Confidential Information to the other Party.',
    ),
    (
        "2. Confidential Information",
        '"Confidential Information" means any non-public business, technical or '
        "financial information disclosed by one Party to the other, whether in writing, orally or by inspection, "
        "that is marked as confidential or that a reasonable person would understand to be confidential. It "
        "includes source code, product roadmaps, pricing, customer lists and the terms of this NDA.",
    ),
    (
        "3. Obligations of the Receiving Party",
        "The receiving Party shall use Confidential Information solely for "
        "the Purpose. It shall protect it with at least the degree of care it uses for its own confidential "
        "information, and no less than reasonable care. It may disclose Confidential Information only to its "
        "employees and advisers who need to know it for the Purpose and who are bound by duties of confidentiality "
        "at least as protective as this NDA.",
    ),
    (
        "4. Exclusions",
        "The obligations in Section 3 do not apply to information that is or becomes publicly "
        "available through no fault of the receiving Party, was lawfully known to the receiving Party before "
        "disclosure, is independently developed without use of the Confidential Information, or is rightfully "
        "received from a third party without a duty of confidentiality.",
    ),
    (
        "5. Compelled Disclosure",
        "If the receiving Party is required by law or court order to disclose "
        "Confidential Information, it shall give the disclosing Party prompt written notice, where legally "
        "permitted, so that the disclosing Party may seek a protective order.",
    ),
    (
        "6. Term",
        "This NDA remains in effect for three (3) years from the Effective Date. The obligations of "
        "confidentiality survive for five (5) years after the expiry or termination of this NDA.",
    ),
    ("PAGE", None),
    (
        "7. Return of Materials",
        "Within thirty (30) days after a written request, the receiving Party shall return "
        "or destroy all Confidential Information in its possession and certify the destruction in writing.",
    ),
    (
        "8. No Licence",
        "Nothing in this NDA grants either Party any licence or right in the other Party's patents, "
        "copyrights, trade secrets or other intellectual property, except the limited right to use Confidential "
        "Information for the Purpose.",
    ),
    (
        "9. Remedies",
        "Each Party acknowledges that unauthorised disclosure may cause irreparable harm for which "
        "damages are an inadequate remedy, and that the disclosing Party may seek injunctive relief in addition "
        "to any other remedy.",
    ),
    (
        "10. Governing Law and Jurisdiction",
        "This NDA shall be governed by and construed in accordance with the "
        "laws of the State of Delaware, without regard to its conflict of laws rules. The state and federal courts "
        "located in Wilmington, Delaware have exclusive jurisdiction over any dispute arising out of this NDA.",
    ),
    (
        "11. Entire Agreement",
        "This NDA is the entire agreement between the Parties about its subject matter and "
        "may be amended only in a writing signed by both Parties.",
    ),
    (
        "Signatures",
        "Northwind Analytics Ltd. - By: Maria Keller, Chief Executive Officer.\n"
        "Bluefin Robotics Inc. - By: Daniel Osei, General Counsel.",
    ),
]

_SERVICES = [
    ("MASTER SERVICES AGREEMENT", None),
    (
        None,
        'This Master Services Agreement (the "Agreement") is made on 10 January 2026 between Acme Cloud '
        'Services plc ("Provider") and Harbor Logistics GmbH ("Customer").',
    ),
    (
        "1. Services",
        "Provider shall host, operate and support the Customer's route-planning platform as described "
        'in Schedule A (the "Services"). Provider shall perform the Services with reasonable skill and care and in '
        "accordance with good industry practice.",
    ),
    (
        "2. Service Levels",
        "Provider shall make the hosted platform available at least 99.9% of each calendar month, "
        "excluding scheduled maintenance announced five (5) business days in advance. If availability falls below "
        "this level, Customer is entitled to a service credit of 5% of the monthly hosting fee for each full 0.1% "
        "below the target, up to 50% of that fee.",
    ),
    ("3. Fees", "Customer shall pay the fees set out in the table below. All amounts exclude VAT."),
    (
        "TABLE",
        [
            ["Service", "Fee (USD)", "Billing"],
            ["Platform hosting", "4,500 per month", "Monthly in advance"],
            ["Support (business hours)", "1,200 per month", "Monthly in advance"],
            ["Data migration", "8,000 one-off", "On completion"],
        ],
    ),
    (
        "4. Payment Terms",
        "Provider shall invoice Customer monthly. Invoices are payable within thirty (30) days of "
        "the invoice date. Late payments bear interest at 1.5% per month until paid.",
    ),
    ("PAGE", None),
    (
        "5. Term",
        "This Agreement starts on the date above and continues for an initial term of twenty-four (24) "
        "months. It renews automatically for successive periods of twelve (12) months unless either party gives "
        "notice of non-renewal at least sixty (60) days before the end of the then-current term.",
    ),
    (
        "6. Termination",
        "Either party may terminate this Agreement for convenience by giving the other party ninety "
        "(90) days' prior written notice. Either party may terminate this Agreement immediately by written notice if "
        "the other party commits a material breach that is not remedied within thirty (30) days of being notified "
        "of it.",
    ),
    (
        "7. Data Protection",
        "Provider shall process personal data only on Customer's documented instructions and "
        "shall implement appropriate technical and organisational measures to protect it. Provider shall notify "
        "Customer of any personal data breach without undue delay and in any case within forty-eight (48) hours.",
    ),
    (
        "8. Limitation of Liability",
        "Each party's total liability under this Agreement in any contract year is "
        "limited to the fees paid and payable in the twelve (12) months before the event giving rise to the claim. "
        "Neither party is liable for loss of profits or for indirect or consequential loss.",
    ),
    (
        "9. Governing Law",
        "This Agreement is governed by the laws of England and Wales, and the courts of London "
        "have exclusive jurisdiction.",
    ),
]

_LEASE = [
    ("COMMERCIAL LEASE AGREEMENT", None),
    (
        None,
        'This Commercial Lease (the "Lease") is made on 15 January 2026 between Greenleaf Properties LLC '
        '("Landlord") and Copperline Bakery Inc. ("Tenant").',
    ),
    (
        "1. Premises",
        "Landlord leases to Tenant the ground-floor retail unit of approximately 1,200 square feet at "
        '42 Market Street, Springfield, Illinois (the "Premises"), together with the right to use two parking '
        "spaces behind the building.",
    ),
    (
        "2. Term",
        "The Lease term is five (5) years, beginning on 1 March 2026 and ending on 28 February 2031. Tenant "
        "may renew the Lease once for a further three (3) years by written notice given at least six (6) months "
        "before the end of the term.",
    ),
    (
        "3. Rent",
        "Tenant shall pay the monthly base rent shown below, in advance, on the first day of each calendar month.",
    ),
    (
        "TABLE",
        [
            ["Lease year", "Monthly rent (USD)", "Annual rent (USD)"],
            ["Year 1", "3,000", "36,000"],
            ["Year 2", "3,090", "37,080"],
            ["Years 3-5", "3,180", "38,160"],
        ],
    ),
    (
        "4. Late Payment",
        "If rent is not received within five (5) days after its due date, Tenant shall pay a late "
        "fee equal to 5% of the overdue amount.",
    ),
    ("PAGE", None),
    (
        "5. Security Deposit",
        "On signing, Tenant shall pay a security deposit of USD 9,000, equal to three months' "
        "rent. Landlord shall return the deposit, less any amounts properly applied to unpaid rent or repair of "
        "damage, within thirty (30) days after the end of the Lease.",
    ),
    (
        "6. Use",
        "Tenant shall use the Premises only as a bakery and cafe with retail sales, and for no other purpose "
        "without Landlord's prior written consent.",
    ),
    (
        "7. Maintenance and Repairs",
        "Landlord is responsible for the roof, structure and building systems. Tenant "
        "shall keep the interior of the Premises in good repair and shall have its kitchen exhaust system cleaned "
        "at least every six (6) months.",
    ),
    (
        "8. Insurance",
        "Tenant shall maintain commercial general liability insurance of at least USD 1,000,000 per "
        "occurrence, naming Landlord as an additional insured.",
    ),
    (
        "9. Assignment",
        "Tenant may not assign this Lease or sublet the Premises without Landlord's prior written "
        "consent, which Landlord shall not unreasonably withhold.",
    ),
    ("10. Governing Law", "This Lease is governed by the laws of the State of Illinois."),
]

SAMPLES: dict[str, list] = {"nda.pdf": _NDA, "services_agreement.pdf": _SERVICES, "lease.pdf": _LEASE}
