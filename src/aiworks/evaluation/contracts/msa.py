"""The long document of the contract set: a master services agreement of 40+ pages (numbered articles with
sub-clauses, a definitions list, a rate card, a service-level table and a long services schedule).

The schedule's module descriptions are composed from sentence templates with seeded choices: realistic
distractors (many passages about "service", "fees", "notice") around the few clauses the questions ask about.
"""

from __future__ import annotations

import random

from aiworks.evaluation.contracts.msa_obligations import obligations
from aiworks.evaluation.contracts.msa_remedies import remedies
from aiworks.evaluation.contracts.msa_schedule import MODULES, service_module
from aiworks.evaluation.contracts.render import Spec


def _clause(title: str, *paras: str) -> list[tuple]:
    return [("heading", title)] + [("para", p) for p in paras]


def msa(f: dict) -> Spec:
    rng = random.Random(f["seed"] * 7919 + 1)
    p, c = f["msa_provider"], f["msa_client"]
    b: list[tuple] = [
        ("title", "MASTER SERVICES AGREEMENT"),
        (
            "para",
            (
                f'This Master Services Agreement (the "Agreement") is dated {f["msa_date"]} (the "Effective Date") '
                f'and made between {p} (the "Provider") and {c} (the "Client").'
            ),
        ),
        ("heading", "1. Definitions and Interpretation"),
        (
            "deflist",
            [
                ("Change Request", "a written request to change the Services, made under Article 9."),
                ("Charges", "the amounts payable for the Services, calculated under Schedule 2."),
                (
                    "Deliverable",
                    ("any document, software or other material the Provider supplies as part of the Services."),
                ),
                ("Key Personnel", "the individuals named as key personnel in a Statement of Work."),
                ("Service Levels", "the performance standards set out in Schedule 3."),
                ("Statement of Work", "a document agreed under Article 3 describing specific Services."),
            ],
        ),
        (
            "para",
            (
                "Headings do not affect interpretation. References to Articles and Schedules are to those of this "
                "Agreement, and the Schedules form part of it."
            ),
        ),
    ]
    articles = obligations(f) + remedies(f)
    for number, (title, paras) in enumerate(articles, start=2):
        sub = [f"{number}.{i} {text}" for i, text in enumerate(paras, start=1)] if len(paras) > 1 else paras
        b += _clause(f"{number}. {title}", *sub)
    b += [
        ("page",),
        ("title", "SCHEDULE 1 - SERVICES"),
        (
            "para",
            (
                "This Schedule describes each service module. Statements of Work may add detail but may not "
                "reduce the scope below."
            ),
        ),
    ]
    for i, name in enumerate(MODULES, start=1):
        module, hours = service_module(rng, name, i)
        f["hours_" + name.split()[0].lower()] = hours  # facts the questions can ask about
        b += module
    b += [
        ("page",),
        ("title", "SCHEDULE 2 - RATE CARD"),
        (
            "para",
            (
                "Time-and-materials work is charged at the following rates. A day is eight hours; travel time "
                "is not chargeable."
            ),
        ),
        (
            "table",
            [
                ["Role", "Hourly rate (USD)", "Day rate (USD)"],
                ["Analyst", f["rate_analyst"], f"{int(f['rate_analyst'].replace(',', '')) * 8:,}"],
                ["Consultant", "150", "1,200"],
                ["Senior Consultant", f["rate_senior"], f"{int(f['rate_senior'].replace(',', '')) * 8:,}"],
                ["Solution Architect", f["rate_architect"], f"{int(f['rate_architect'].replace(',', '')) * 8:,}"],
                ["Principal", f["rate_principal"], f"{int(f['rate_principal'].replace(',', '')) * 8:,}"],
            ],
        ),
        ("para", "Expenses are reimbursed at cost only where the Client approved them in advance in writing."),
        ("title", "SCHEDULE 3 - SERVICE LEVELS"),
        (
            "table",
            [
                ["Priority", "Response time", "Resolution time", "Service credit"],
                ["P1 - critical", "15 minutes", "4 hours", "5% of monthly Charges"],
                ["P2 - high", "1 hour", "8 hours", "3% of monthly Charges"],
                ["P3 - normal", "4 hours", "3 business days", "1% of monthly Charges"],
            ],
        ),
        ("para", "Total service credits in any month are capped at fifteen percent of the monthly Charges."),
        ("page",),
        ("title", "SCHEDULE 4 - GOVERNANCE"),
        (
            "para",
            (
                "The parties shall manage this Agreement through the meetings below. Each meeting has a written "
                "agenda circulated two business days ahead and minutes circulated within five business days."
            ),
        ),
        (
            "table",
            [
                ["Forum", "Frequency", "Chair"],
                ["Service review", "Monthly", "Client service manager"],
                ["Commercial review", "Quarterly", "Client procurement lead"],
                ["Governance board", "Twice a year", "Client chief operating officer"],
            ],
        ),
        (
            "para",
            (
                "The governance board approves the annual service plan, reviews the risk register and decides "
                "escalated disputes before they are referred under the dispute resolution procedure."
            ),
        ),
    ]
    return Spec(
        "master_services_agreement.pdf",
        b,
        header=f"{p} / {c} - Master Services Agreement",
        footer="Confidential - page {page}",
        font="Times",
        size=12,
        table_font=10,
    )
