"""Schedule 1 of the master services agreement: one service module per name (scope, dependencies, reporting,
service hours), composed from sentence templates with seeded choices. These are the realistic distractors of
the long document: many passages about "service", "reports", "incidents" around the few clauses the questions
ask about.
"""

from __future__ import annotations

import random

from aiworks.evaluation.contracts.facts import period
from aiworks.rag.numbers import spell

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


def service_module(rng: random.Random, name: str, number: int) -> tuple[list[tuple], str]:
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
