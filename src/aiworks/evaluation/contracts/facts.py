"""Seeded facts for one generated contract set: party names, places, amounts, periods and wording choices.

Seed 0 is the reported set; other seeds give training sets for calibration (different parties, values and
wording), never used for reporting.
"""

from __future__ import annotations

import random

from aiworks.rag.numbers import spell

COMPANIES = [
    "Northwind Analytics Ltd.",
    "Bluefin Robotics Inc.",
    "Carrow & Pike LLP",
    "Helios Grid Systems Inc.",
    "Marlowe Biotech Corp.",
    "Quayside Freight Ltd.",
    "Tamsin Software GmbH",
    "Orchard Lane Foods plc",
    "Vantor Medical Devices Inc.",
    "Kestrel Payments Ltd.",
    "Brightwater Hotels LLC",
    "Ironbark Mining Corp.",
    "Lumen Street Media Inc.",
    "Pellucid Data Services Ltd.",
    "Redfern Aerospace Inc.",
    "Saltmarsh Energy plc",
    "Thornbury Insurance Co.",
    "Umber Textiles Ltd.",
    "Wexford Legal Tech Inc.",
    "Yarrow Health Partners LLC",
    "Zephyr Logistics BV",
    "Amberly Retail Group Inc.",
    "Cobalt Ridge Capital LLC",
    "Dunmore Engineering Ltd.",
]
PLACES = [
    ("Delaware", "Wilmington"),
    ("New York", "New York City"),
    ("California", "San Francisco"),
    ("Texas", "Austin"),
    ("Illinois", "Chicago"),
    ("Washington", "Seattle"),
    ("Massachusetts", "Boston"),
    ("Colorado", "Denver"),
]
STREETS = ["Harbour Road", "Kingfisher Way", "Mercer Street", "Old Mill Lane", "Station Parade", "Elm Court"]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def period(n: int, unit: str) -> str:
    """ "sixty (60) days" — the form contracts use."""
    return f"{spell(n)} ({n}) {unit}{'' if n == 1 else 's'}"


def money(n: int) -> str:
    return f"{n:,}"


def make_facts(seed: int) -> dict:
    rng = random.Random(seed)
    names = rng.sample(COMPANIES, 10)
    places = rng.sample(PLACES, 5)
    f: dict = {"seed": seed, "variant": rng.randrange(2)}
    # SaaS subscription agreement
    f.update(
        saas_vendor=names[0],
        saas_customer=names[1],
        saas_law=places[0][0],
        saas_city=places[0][1],
        saas_date=f"{rng.randint(2, 27)} {rng.choice(MONTHS)} 2026",
    )
    base = rng.choice([9, 11, 12, 14]) * 1000
    f.update(
        fee_starter=money(base),
        fee_business=money(base * 3 + rng.choice([500, 1500])),
        fee_enterprise=money(base * 8 + rng.choice([2000, 6000])),
        users_starter=str(rng.choice([10, 15, 25])),
        users_business=str(rng.choice([100, 150, 250])),
        support_enterprise=rng.choice(["24x7 phone and email", "24x7 with named engineer"]),
    )
    f.update(
        saas_initial_term=period(rng.choice([12, 24, 36]), "month"),
        saas_renewal_notice=period(rng.choice([45, 60, 75]), "day"),
        saas_payment_days=period(rng.choice([30, 45]), "day"),
        saas_late_interest=rng.choice(["1.0%", "1.25%", "1.5%"]) + " per month",
        saas_uptime=rng.choice(["99.5%", "99.9%", "99.95%"]),
        credit_low=rng.choice(["10%", "15%"]),
        credit_lowest=rng.choice(["25%", "30%"]),
        saas_cap_months=period(rng.choice([6, 9]), "month"),
        saas_breach_hours=period(rng.choice([24, 36, 72]), "hour"),
        saas_price_increase=rng.choice(["3%", "4%", "5%"]),
        saas_export_days=period(rng.choice([30, 60, 90]), "day"),
    )
    # Master services agreement (the long one)
    f.update(
        msa_provider=names[2],
        msa_client=names[3],
        msa_law=places[1][0],
        msa_city=places[1][1],
        msa_date=f"{rng.randint(2, 27)} {rng.choice(MONTHS)} 2025",
    )
    f.update(
        rate_senior=money(rng.choice([185, 195, 210, 225])),
        rate_principal=money(rng.choice([265, 280, 295])),
        rate_analyst=money(rng.choice([95, 105, 115])),
        rate_architect=money(rng.choice([240, 250, 255])),
    )
    f.update(
        msa_cap=money(rng.choice([2, 3, 5]) * 1_000_000),
        msa_insurance=money(rng.choice([4, 6, 10]) * 1_000_000),
        msa_nonsolicit=period(rng.choice([6, 9, 12, 18]), "month"),
        msa_convenience=period(rng.choice([90, 120, 180]), "day"),
        msa_cure=period(rng.choice([15, 20, 30]), "day"),
        msa_rto=period(rng.choice([4, 6, 8]), "hour"),
        msa_audit=rng.choice(["once", "twice"]),
        msa_invoice_days=period(rng.choice([35, 40, 60]), "day"),
        msa_key_notice=period(rng.choice([20, 30, 40]), "business day"),
        msa_retention=period(rng.choice([6, 7, 10]), "year"),
        msa_stepin=period(rng.choice([45, 75]), "day"),
    )
    # Mutual NDA (DOCX)
    f.update(
        nda_a=names[4],
        nda_b=names[5],
        nda_law=places[2][0],
        nda_city=places[2][1],
        nda_date=f"{rng.randint(2, 27)} {rng.choice(MONTHS)} 2026",
        nda_term=period(rng.choice([2, 3, 4]), "year"),
        nda_survival=period(rng.choice([5, 7]), "year"),
        nda_return=period(rng.choice([10, 14, 21]), "day"),
        nda_purpose=rng.choice(
            [
                "a possible joint venture in cold-chain logistics",
                "a possible acquisition of a minority stake",
                "a pilot of predictive maintenance software",
            ]
        ),
    )
    # Office lease (PDF, two-column rules) and its scanned first amendment
    f.update(
        landlord=names[6],
        tenant=names[7],
        lease_city=places[3][1],
        lease_law=places[3][0],
        lease_street=f"{rng.randint(10, 220)} {rng.choice(STREETS)}",
        lease_suite=f"Suite {rng.randint(2, 9)}{rng.randint(0, 3)}0",
    )
    rent = rng.choice([7, 8, 9, 11]) * 1000
    f.update(
        rent_y1=money(rent),
        rent_y2=money(rent + 250),
        rent_y3=money(rent + 600),
        deposit=money(rent * 2 + 500),
        lease_late_fee=rng.choice(["4%", "5%", "6%"]),
        lease_parking=str(rng.choice([4, 6, 8])),
        lease_hours=rng.choice(["7:00 a.m. to 7:00 p.m.", "8:00 a.m. to 6:00 p.m."]),
        lease_insurance=money(rng.choice([1, 2, 3]) * 1_000_000),
        lease_term=period(rng.choice([3, 5]), "year"),
        amend_expiry=f"{rng.choice([28, 30])} {rng.choice(['June', 'September', 'November'])} {2031 + rng.randrange(2)}",
        amend_storage_rent=money(rng.choice([350, 425, 480])),
        amend_signatory=rng.choice(["Priya Raman", "Tomas Berg", "Alice Moreau", "Kwame Mensah"]),
    )
    return f


def wording(f: dict, *options: str) -> str:
    """One of several wordings of a sentence, chosen by the seed's ``variant``."""
    return options[f["variant"] % len(options)]
