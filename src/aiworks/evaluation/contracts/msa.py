"""The long document of the contract set: a master services agreement of 40+ pages (numbered articles with
sub-clauses, a definitions list, a rate card, a service-level table and a long services schedule).

The schedule's module descriptions are composed from sentence templates with seeded choices: realistic
distractors (many passages about "service", "fees", "notice") around the few clauses the questions ask about.
"""

from __future__ import annotations

import random

from aiworks.evaluation.contracts.facts import period, spell
from aiworks.evaluation.contracts.render import Spec

MODULES = [
    "Payroll Processing",
    "Accounts Payable",
    "Accounts Receivable",
    "General Ledger Close",
    "Travel and Expense Audit",
    "Procurement Desk",
    "Vendor Master Data",
    "Fixed Asset Accounting",
    "Treasury Reporting",
    "Tax Provision Support",
    "Service Desk",
    "Desktop Support",
    "Network Operations",
    "Identity and Access Management",
    "Application Maintenance",
    "Database Administration",
    "Backup and Restore",
    "Security Monitoring",
    "Vulnerability Management",
    "Cloud Hosting Operations",
    "Release Management",
    "Test Automation",
    "Data Warehouse Operations",
    "Reporting and Analytics",
    "Document Management",
    "Records Retention",
    "Facilities Helpdesk",
    "HR Onboarding Administration",
    "Benefits Administration",
    "Contract Lifecycle Support",
    "Customer Billing",
    "Credit Control",
    "Inventory Accounting",
    "Mobile Device Management",
    "Print and Mailroom",
    "Learning Administration",
]
_ACTIVITIES = [
    "receive and log each request",
    "validate the input data against the Client's policies",
    "escalate exceptions to the Client's nominated contact",
    "produce a weekly activity report",
    "maintain the operating procedures for the module",
    "reconcile the outputs with the source systems",
    "archive the working papers in the Client's repository",
    "perform a monthly quality review",
    "update the knowledge base after each significant incident",
    "attend the monthly service review",
]
_INPUTS = [
    "approved master data",
    "timely access to the Client's systems",
    "named business contacts",
    "signed-off process maps",
    "current organisation charts",
    "test environments of adequate size",
]
_MEASURES = [
    "first-time-right rate",
    "backlog age",
    "resolution time",
    "customer satisfaction score",
    "percentage of items processed within the cut-off",
    "number of repeat incidents",
]


def _module(rng: random.Random, name: str, number: int) -> tuple[list[tuple], str]:
    acts = rng.sample(_ACTIVITIES, 5)
    inputs = rng.sample(_INPUTS, 3)
    measures = rng.sample(_MEASURES, 2)
    hours = rng.choice(["08:00 to 18:00", "07:00 to 19:00", "06:00 to 22:00"])
    blocks = [
        ("heading", f"1.{number} {name}"),
        (
            "para",
            (
                f"Scope. For the {name} module the Provider shall {acts[0]}, {acts[1]} and {acts[2]}. The Provider "
                f"shall also {acts[3]} and {acts[4]}, in each case in accordance with the Procedures Manual."
            ),
        ),
        (
            "para",
            (
                f"Service hours. The {name} module is staffed from {hours} local time on business days, and "
                f"requests received outside those hours are handled on the next business day unless they are "
                f"classified as urgent under the Service Levels."
            ),
        ),
        (
            "para",
            (
                f"Client dependencies. The Provider's performance of the {name} module depends on "
                f"{inputs[0]}, {inputs[1]} and {inputs[2]}. Where a dependency is not met, the Provider is "
                f"relieved of the affected service levels to the extent the failure prevents performance."
            ),
        ),
        (
            "para",
            (
                f"Measurement. Performance of the {name} module is reported monthly by reference to the "
                f"{measures[0]} and the {measures[1]}, using data extracted from the service management tool."
            ),
        ),
        (
            "para",
            (
                f"Transition. The Provider shall complete knowledge transfer for the {name} module within "
                f"{period(rng.choice([4, 6, 8, 10]), 'week')} of the Effective Date and shall run it in parallel "
                "with the incumbent team until the Client confirms acceptance in writing."
            ),
        ),
        (
            "para",
            (
                f"Escalation. Issues in the {name} module that are not resolved at the service desk are escalated "
                f"first to the Provider's {rng.choice(['team lead', 'delivery manager', 'service owner'])}, then "
                "to the contract managers of both parties, and finally to the governance board described in "
                "Schedule 4. Each escalation is recorded with its reason, owner and target date."
            ),
        ),
        (
            "para",
            (
                f"Reporting. Each month the Provider shall deliver a {name} report covering volumes, backlog, "
                f"exceptions, the {measures[0]} and any corrective actions, together with a short commentary on "
                "trends and risks. The report is due by the fifth business day of the following month."
            ),
        ),
        (
            "para",
            (
                f"Continuous improvement. The Provider shall propose at least {spell(rng.choice([2, 3, 4]))} "
                f"improvement initiatives for the {name} module each contract year, each with an estimate of its "
                "cost, benefit and effect on the Service Levels. The Client decides which initiatives proceed."
            ),
        ),
        (
            "para",
            (
                f"Staffing. The Provider shall staff the {name} module with personnel trained in the Client's "
                f"procedures and shall keep a documented cover plan, so that absence of any individual does not "
                f"reduce the module's capacity by more than {rng.choice(['ten', 'fifteen', 'twenty'])} percent."
            ),
        ),
    ]
    return blocks, hours


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
    articles = [
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
        module, hours = _module(rng, name, i)
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
