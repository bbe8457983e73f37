"""The shorter documents of the contract set: a SaaS subscription agreement (PDF: fee and service-credit
tables, definitions list), a mutual NDA (DOCX; deliberately no force majeure, non-compete or liability cap),
an office lease (PDF: rent table, two-column rules) and its first amendment (a scanned, image-only PDF).
Wording alternates with ``facts["variant"]`` so training seeds do not repeat the reported set's sentences.
"""

from __future__ import annotations

from aiworks.evaluation.contracts.render import Spec


def _v(f: dict, *options: str) -> str:
    return options[f["variant"] % len(options)]


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


def lease(f: dict) -> Spec:
    ll, tt = f["landlord"], f["tenant"]
    rules = [
        (
            f"1. The building is open to the Tenant's staff from {f['lease_hours']} on business days. Access outside "
            "these hours requires a key card issued by the building manager."
        ),
        (
            "2. Deliveries of furniture or bulky goods must use the rear service lift and be booked with the building "
            "manager at least one business day ahead."
        ),
        "3. No animals other than assistance dogs may be brought into the building.",
        (
            "4. Smoking and vaping are prohibited in all common areas, stairwells and within eight metres of any "
            "entrance."
        ),
        "5. Bicycles may be stored only in the basement cycle store, never in the offices or corridors.",
        (
            "6. The Tenant shall keep fire exits and corridors clear at all times and take part in the building's "
            "fire drills."
        ),
        "7. Signs may be placed only on the directory board in the lobby and on the entrance door of the Premises.",
        (
            "8. Waste must be sorted into the recycling bins in the basement; hazardous waste may not be left in the "
            "building."
        ),
    ]
    b = [
        ("title", "OFFICE LEASE"),
        (
            "para",
            (
                f'This Lease is made between {ll} (the "Landlord") and {tt} (the "Tenant") for the office premises '
                f'at {f["lease_suite"]}, {f["lease_street"]}, {f["lease_city"]} (the "Premises").'
            ),
        ),
        ("heading", "Article 1 - Term"),
        (
            "para",
            (
                f"The term of this Lease is {f['lease_term']}, beginning on the first day of the month after the "
                "Landlord delivers the Premises with the fit-out works complete."
            ),
        ),
        ("heading", "Article 2 - Rent"),
        (
            "para",
            (
                "The Tenant shall pay base rent monthly in advance on the first day of each month, in the amounts "
                "below. Rent excludes service charges and utilities."
            ),
        ),
        (
            "table",
            [
                ["Lease year", "Monthly base rent (USD)", "Annual base rent (USD)"],
                ["Year 1", f["rent_y1"], money_x12(f["rent_y1"])],
                ["Year 2", f["rent_y2"], money_x12(f["rent_y2"])],
                ["Year 3 onwards", f["rent_y3"], money_x12(f["rent_y3"])],
            ],
        ),
        (
            "para",
            (
                f"If rent is not paid within five days of its due date, the Tenant shall pay a late charge of "
                f"{f['lease_late_fee']} of the overdue amount."
            ),
        ),
        ("heading", "Article 3 - Security Deposit"),
        (
            "para",
            _v(
                f,
                f"On signing, the Tenant shall deposit USD {f['deposit']} with the Landlord as security for its "
                "obligations. The Landlord shall return the deposit, less any amounts properly applied, within "
                "sixty days after the Lease ends.",
                f"The Tenant shall lodge a security deposit of USD {f['deposit']} when it signs this Lease; the "
                "balance not applied to the Tenant's obligations is returned within sixty days after the Lease "
                "ends.",
            ),
        ),
        ("heading", "Article 4 - Use and Parking"),
        (
            "para",
            (
                f"The Premises may be used only as offices. The Tenant may use {f['lease_parking']} parking spaces in "
                "the building's garage at no additional charge."
            ),
        ),
        ("heading", "Article 5 - Repairs and Maintenance"),
        (
            "para",
            (
                "The Landlord shall keep the structure, roof and building systems in good repair. The Tenant shall "
                "keep the interior of the Premises in good condition, fair wear and tear excepted, and shall not "
                "make structural alterations without the Landlord's written consent."
            ),
        ),
        ("heading", "Article 6 - Insurance"),
        (
            "para",
            (
                f"The Tenant shall maintain commercial general liability insurance of at least USD "
                f"{f['lease_insurance']} per occurrence, naming the Landlord as an additional insured."
            ),
        ),
        ("page",),
        ("heading", "Article 7 - Assignment and Subletting"),
        (
            "para",
            (
                "The Tenant may not assign this Lease or sublet all or part of the Premises without the Landlord's "
                "prior written consent, which the Landlord shall not unreasonably withhold."
            ),
        ),
        ("heading", "Article 8 - Default"),
        (
            "para",
            (
                "If the Tenant fails to pay rent within fifteen days after written notice, or fails to remedy any "
                "other breach within thirty days after written notice, the Landlord may terminate this Lease and "
                "re-enter the Premises."
            ),
        ),
        ("heading", "Article 9 - Governing Law"),
        ("para", f"This Lease is governed by the laws of the State of {f['lease_law']}."),
        ("heading", "Schedule - Building Rules"),
        ("columns", rules),
    ]
    return Spec(
        "office_lease.pdf",
        b,
        header=f"Lease - {f['lease_suite']}, {f['lease_street']}",
        footer="- {page} -",
        font="Times",
        size=11,
    )


def money_x12(text: str) -> str:
    return f"{int(text.replace(',', '')) * 12:,}"


def amendment(f: dict) -> Spec:
    b = [
        ("title", "FIRST AMENDMENT TO OFFICE LEASE"),
        (
            "para",
            (
                f"This First Amendment is made between {f['landlord']} (the Landlord) and {f['tenant']} (the Tenant) "
                f"and amends the Office Lease for {f['lease_suite']}, {f['lease_street']}."
            ),
        ),
        ("heading", "1. Extension of Term"),
        (
            "para",
            (
                f"The term of the Lease is extended so that it expires on {f['amend_expiry']}. All other terms "
                "of the Lease continue to apply during the extended term."
            ),
        ),
        ("heading", "2. Storage Unit"),
        (
            "para",
            (
                f"From the first day of next month the Tenant also leases storage unit B4 in the basement at a "
                f"monthly rent of USD {f['amend_storage_rent']}, payable with the base rent."
            ),
        ),
        ("heading", "3. Signatures"),
        (
            "para",
            (
                f"Signed for the Landlord by {f['amend_signatory']}, Asset Manager, and for the Tenant by its "
                "Chief Financial Officer."
            ),
        ),
    ]
    return Spec("lease_amendment_scanned.pdf", b, header="", footer="", facts={"scanned": True})
