"""The software subscription agreement of the contract set (PDF): fee and service-credit tables, a
definitions list, running header and page footer. Wording alternates with ``facts["variant"]`` so training
seeds do not repeat the reported set's sentences."""

from __future__ import annotations

from aiworks.evaluation.contracts.facts import wording as _v
from aiworks.evaluation.contracts.render import Spec


def saas(f: dict) -> Spec:
    vendor, customer = f["saas_vendor"], f["saas_customer"]
    b = [
        ("title", "SOFTWARE SUBSCRIPTION AGREEMENT"),
        (
            "para",
            (
                f'This Software Subscription Agreement (the "Agreement") is entered into on {f["saas_date"]} between '
                f'{vendor} ("Vendor") and {customer} ("Customer").'
            ),
        ),
        ("heading", "1. Definitions"),
        (
            "deflist",
            [
                (
                    "Authorised User",
                    (
                        "an employee or contractor of Customer whom Customer permits to use the Service "
                        "under its own login credentials."
                    ),
                ),
                (
                    "Service",
                    (
                        "the hosted contract analytics platform described in the Order Form, including updates "
                        "Vendor makes generally available."
                    ),
                ),
                (
                    "Customer Data",
                    ("all data uploaded to the Service by or for Customer, including documents and metadata."),
                ),
                (
                    "Downtime",
                    (
                        "any period in which the Service cannot be accessed, excluding scheduled maintenance "
                        "notified at least two business days in advance."
                    ),
                ),
            ],
        ),
        ("heading", "2. Subscription"),
        (
            "para",
            _v(
                f,
                "Vendor grants Customer a non-exclusive, non-transferable right to access and use the Service "
                "during the Subscription Term for Customer's internal business purposes.",
                "During the Subscription Term, Customer may access and use the Service for its internal business "
                "purposes; this right is non-exclusive and may not be transferred.",
            ),
        ),
        (
            "para",
            (
                "Customer shall not resell, sublicense or frame the Service, attempt to reverse engineer it, or "
                "use it to build a competing product."
            ),
        ),
        ("heading", "3. Fees"),
        (
            "para",
            (
                "Customer shall pay the annual subscription fee of the tier selected in the Order Form, as set out "
                "in the fee schedule below. Fees exclude taxes."
            ),
        ),
        (
            "table",
            [
                ["Tier", "Named users", "Annual fee (USD)", "Support"],
                ["Starter", f["users_starter"], f["fee_starter"], "Email, business hours"],
                ["Business", f["users_business"], f["fee_business"], "Email and phone, business hours"],
                ["Enterprise", "Unlimited", f["fee_enterprise"], f["support_enterprise"]],
            ],
        ),
        (
            "para",
            _v(
                f,
                f"Vendor may increase the fees on renewal by no more than {f['saas_price_increase']} over the "
                "fees of the preceding year, on written notice before the renewal date.",
                f"On each renewal the fees may rise by at most {f['saas_price_increase']} over the fees of the "
                "previous year, provided Vendor gives written notice before the renewal date.",
            ),
        ),
        ("heading", "4. Invoicing and Payment"),
        (
            "para",
            (
                f"Vendor invoices the annual fee in advance. Invoices are payable within {f['saas_payment_days']} "
                f"of the invoice date. Overdue amounts bear interest at {f['saas_late_interest']} from the due date "
                "until paid."
            ),
        ),
        ("page",),
        ("heading", "5. Service Levels"),
        (
            "para",
            _v(
                f,
                f"Vendor shall make the Service available at least {f['saas_uptime']} of the time in each "
                "calendar month, measured excluding scheduled maintenance.",
                f"The Service will be available no less than {f['saas_uptime']} of each calendar month, "
                "excluding scheduled maintenance.",
            ),
        ),
        (
            "para",
            (
                "If availability in a month falls below that level, Customer receives a service credit against "
                "the next invoice as follows:"
            ),
        ),
        (
            "table",
            [
                ["Monthly availability", "Service credit (% of monthly fee)"],
                [f"Below {f['saas_uptime']} but at least 99.0%", "5%"],
                ["Below 99.0% but at least 97.0%", f["credit_low"]],
                ["Below 97.0%", f["credit_lowest"]],
            ],
        ),
        (
            "para",
            (
                "Service credits are Customer's sole remedy for unavailability, except where availability is "
                "below 97.0% in three consecutive months, in which case Customer may terminate under Section 8."
            ),
        ),
        ("heading", "6. Customer Data and Security"),
        (
            "para",
            (
                "Customer retains all rights in Customer Data. Vendor shall process Customer Data only to provide "
                "the Service and in accordance with Customer's documented instructions."
            ),
        ),
        (
            "para",
            (
                f"Vendor shall notify Customer of any security breach affecting Customer Data within "
                f"{f['saas_breach_hours']} of becoming aware of it, and shall provide the information Customer "
                "reasonably needs to meet its own notification duties."
            ),
        ),
        (
            "para",
            (
                f"For {f['saas_export_days']} after termination, Customer may export Customer Data in a standard "
                "format; afterwards Vendor shall delete it from its production systems."
            ),
        ),
        ("heading", "7. Term and Renewal"),
        (
            "para",
            _v(
                f,
                f"The Subscription Term begins on the date of this Agreement and lasts for an initial period of "
                f"{f['saas_initial_term']}. It renews automatically for successive twelve-month periods unless "
                f"either party gives notice of non-renewal at least {f['saas_renewal_notice']} before the end "
                "of the current period.",
                f"This Agreement has an initial term of {f['saas_initial_term']} from its date and then renews "
                "automatically for further periods of twelve months, unless a party gives notice of "
                f"non-renewal no later than {f['saas_renewal_notice']} before the current period ends.",
            ),
        ),
        ("heading", "8. Termination"),
        (
            "para",
            (
                "Either party may terminate this Agreement by written notice if the other party materially breaches "
                "it and fails to cure the breach within thirty (30) days after notice of it. Either party may "
                "terminate immediately if the other becomes insolvent or enters administration."
            ),
        ),
        ("page",),
        ("heading", "9. Warranties"),
        (
            "para",
            (
                "Vendor warrants that the Service will perform materially in accordance with its documentation. "
                "Customer's remedy for breach of this warranty is the correction of the non-conformity or, if "
                "Vendor cannot correct it, termination and a refund of prepaid fees for the remaining term."
            ),
        ),
        ("heading", "10. Limitation of Liability"),
        (
            "para",
            (
                f"Each party's aggregate liability arising out of this Agreement is limited to the fees paid and "
                f"payable by Customer in the {f['saas_cap_months']} preceding the event giving rise to the claim. "
                "Neither party is liable for lost profits, lost revenue or indirect or consequential damages."
            ),
        ),
        ("heading", "11. Indemnification"),
        (
            "para",
            (
                "Vendor shall defend Customer against any third-party claim that the Service infringes an "
                "intellectual property right, and pay the damages finally awarded, provided Customer notifies "
                "Vendor promptly and lets Vendor control the defence."
            ),
        ),
        ("heading", "12. Force Majeure"),
        (
            "para",
            (
                "Neither party is liable for a delay or failure to perform caused by events beyond its reasonable "
                "control, such as natural disasters, war, epidemics, strikes or failures of public utilities, "
                "provided it notifies the other party and uses reasonable efforts to resume performance."
            ),
        ),
        ("heading", "13. Governing Law"),
        (
            "para",
            (
                f"This Agreement is governed by the laws of the State of {f['saas_law']}. The courts located in "
                f"{f['saas_city']} have exclusive jurisdiction over any dispute arising from it."
            ),
        ),
        ("heading", "14. General"),
        (
            "para",
            (
                "Notices must be in writing and sent to the addresses in the Order Form. Neither party may assign "
                "this Agreement without the other's consent, except to a successor of its whole business. This "
                "Agreement, with the Order Form, is the entire agreement of the parties."
            ),
        ),
    ]
    return Spec(
        "saas_subscription_agreement.pdf",
        b,
        header="SOFTWARE SUBSCRIPTION AGREEMENT - CONFIDENTIAL",
        footer="Page {page} of {pages}",
        font="Helvetica",
        size=10.5,
    )
