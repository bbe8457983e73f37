"""The office lease of the contract set (PDF: a rent table, building rules in two columns) and its first
amendment (a scanned, image-only PDF that only OCR can read)."""

from __future__ import annotations

from aiworks.evaluation.contracts.facts import wording as _v
from aiworks.evaluation.contracts.render import Spec


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
