"""The clause fields the assistant can find in any contract: for extraction, comparisons and summaries.

The list follows the CUAD clause categories a lawyer reviews (parties, dates, term, renewal, termination,
governing law, liability, non-solicitation, ...), with our own labels and descriptions, plus a few terms the
categories leave out but contracts carry (payment terms, fees and rent, security deposit, data breach notice).
Each field says how to find it without a language model:
- ``cue``: a pattern of the sentence that states it (required, so a contract without the clause yields nothing
  instead of its most similar sentence);
- ``heading``: a pattern of its section heading, which can stand in for a weak cue;
- ``value``: the kind of value to normalise (``values.parse``); a field with a value kind only counts when
  the sentence holds such a value;
- ``ask``: how a question names it ("longest notice period" → termination-notice), for comparisons;
- ``summary``: whether it is a core key term (parties, date, term, termination, payment, liability,
  confidentiality, governing law): a summary names the core terms a document does not state;
- ``strict`` / ``value_optional``: a heading never stands in for the cue / the sentence need not hold a value;
- ``near`` / ``not_before`` / ``exclude`` / ``early``: which value of the sentence is meant, which sentences
  never are (each found on real CUAD contracts: "organized under the laws of Massachusetts" is no governing
  law, "upon thirty (30) days' prior notice" is no term, a date in an appendix is not the agreement's date).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    description: str
    cue: str
    heading: str = ""
    value: str = ""  # "" (free text) | duration | money | percent | date | jurisdiction
    ask: str = ""
    summary: bool = True
    strict: bool = False  # the cue is required even when the heading matches and a value is present
    value_optional: bool = False  # the clause counts without a value ("without undue delay")
    context_cue: bool = False  # a table row matches on its column headers ("Monthly base rent (USD): 9,000")
    near: str = ""  # the value must be close to a match of this ("notice" for a notice period)
    not_before: str = ""  # a value followed by this is not the field's ("30 days' prior notice" is no term)
    exclude: str = ""  # sentences matching this never state the field ("organized under the laws of")
    early: bool = False  # stated in the opening of the document (parties, date), not in a later recital

    @property
    def near_re(self) -> re.Pattern | None:
        return _compiled(self.near) if self.near else None

    @property
    def not_before_re(self) -> re.Pattern | None:
        return _compiled(self.not_before) if self.not_before else None

    @property
    def exclude_re(self) -> re.Pattern | None:
        return _compiled(self.exclude) if self.exclude else None

    @property
    def cue_re(self) -> re.Pattern:
        return _compiled(self.cue)

    @property
    def heading_re(self) -> re.Pattern | None:
        return _compiled(self.heading) if self.heading else None

    @property
    def ask_re(self) -> re.Pattern | None:
        return _compiled(self.ask) if self.ask else None


_CACHE: dict[str, re.Pattern] = {}


def _compiled(pattern: str) -> re.Pattern:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern, re.IGNORECASE)
    return _CACHE[pattern]


F = Field
FIELDS: list[Field] = [
    F(
        "parties",
        "Parties",
        "Who the agreement is between.",
        r"\bby and (?:between|among)\b|\b(?:made|entered into|concluded)\b[^.]{0,80}\b(?:between|among)\b"
        r"|\bbetween\b[^.]{3,120}\band\b[^.]{3,120}\(",
        early=True,
        ask=r"\bpart(?:y|ies)\b|\bwhom?\b.*\b(?:between|signed|made)\b|\bbetween whom\b",
    ),
    F(
        "agreement-date",
        "Agreement date",
        "The date the agreement is made or dated.",
        r"\b(?:dated|made on|entered into on|signed on|(?:made|entered into|dated|effective) as of)\b",
        early=True,
        value="date",
        ask=r"\b(?:dated|date of the|signed on|when was)\b|\b(?:earliest|latest|most recent|oldest|newest)\b",
    ),
    F(
        "term",
        "Term",
        "How long the agreement lasts, or when it expires.",
        r"\b(?:term of this|lasts? for|continues? for|initial (?:period|term)|expires? on|is extended so that"
        r"|remains? in (?:full )?(?:effect|force) for|(?:lease )?term is)\b",
        heading=r"\b(?:term|duration|extension of term)\b",
        value="duration|date",
        not_before=r"^\W{0,3}(?:\w+\W+){0,3}notice\b",
        ask=r"\b(?:term|duration|expir\w*|length|runs?)\b",
    ),
    F(
        "renewal",
        "Renewal",
        "Whether and how the agreement renews or may be extended.",
        r"\b(?:renews?|renewal|may extend)\b",
        heading=r"\brenewal\b",
        value="duration",
        ask=r"\brenew\w*|\bextend\w*|\bextension\b",
        summary=False,
    ),
    F(
        "termination-notice",
        "Notice to terminate",
        "The notice a party must give to end the agreement: for convenience or against its renewal.",
        r"\bfor convenience\b|\bnon-renewal\b|\bnotice of (?:termination|non-renewal)\b|\bnot to renew\b"
        r"|\bterminat\w*\b[^.]{0,80}\b(?:upon|on|by giving|with|giving)\b[^.]{0,40}\bnotice\b",
        heading=r"\btermination\b",
        value="duration",
        strict=True,
        near=r"\bnotice\b",
        ask=r"\bnotice period\b|\bnotice\b.*\b(?:terminat\w*|end|cancel\w*)|\bterminat\w*\b.*\bnotice\b"
        r"|\bconvenience\b|\bnon-renewal\b",
        summary=False,
    ),
    F(
        "cure-period",
        "Cure period for breach",
        "How long a party in breach has to remedy it before termination.",
        r"\b(?:cure|remedy)\b[^.]{0,80}\bwithin\b|\bfails? to (?:pay|remedy|cure)\b[^.]{0,60}\bwithin\b",
        heading=r"\b(?:termination|default)\b",
        value="duration",
        ask=r"\bcure\b|\bremedy\b|\bto fix a breach\b",
        summary=False,
    ),
    F(
        "termination",
        "Termination",
        "When a party may end the agreement (breach, insolvency, convenience).",
        r"\bmay terminate\b|\bterminate (?:this|the) (?:agreement|lease)\b",
        heading=r"\b(?:termination|default)\b",
        ask=r"\bterminat\w*\b",
    ),
    F(
        "governing-law",
        "Governing law",
        "The law that governs the agreement.",
        r"\bgoverned\b|\bgoverning law\b|\bconstrued\b|\binterpreted\b",
        heading=r"\b(?:governing )?law\b",
        value="jurisdiction",
        exclude=r"\b(?:organi[sz]ed|incorporated|existing|formed)\b[^.]{0,30}\bunder the laws\b",
        ask=r"\blaw\b|\bgovern\w*\b|\bjurisdiction\b",
    ),
    F(
        "venue",
        "Courts and venue",
        "Which courts decide disputes.",
        r"\bcourts?\b[^.]{0,80}\bjurisdiction\b",
        heading=r"\b(?:law|jurisdiction|courts)\b",
        ask=r"\bcourts?\b|\bvenue\b|\bforum\b",
        summary=False,
    ),
    F(
        "payment-terms",
        "Payment terms",
        "When invoices or rent must be paid.",
        r"\b(?:payable within|shall pay\b[^.]{0,60}\bwithin|pay\b[^.]{0,40}\bmonthly in advance|due within)\b",
        heading=r"\b(?:payment|invoic\w*|rent)\b",
        value="duration",
        strict=True,
        ask=r"\bpayment terms?\b|\binvoices?\b|\bdays to pay\b|\bpaid within\b|\bpay(?:ment)? within\b",
    ),
    F(
        "fees",
        "Fees, charges and rent",
        "What the customer or tenant pays.",
        r"\b(?:shall pay|annual (?:subscription )?fee|base rent|monthly rent|charges)\b",
        heading=r"\b(?:fees|charges|rent)\b",
        ask=r"\bfees?\b|\brent\b|\bprice\b|\bcharges\b|\bcost\b",
        summary=False,
    ),
    F(
        "rent",
        "Rent",
        "The rent the tenant pays.",
        r"\bmonthly (?:base )?rent\b|\bbase rent of\b",
        heading=r"\brent\b",
        value="amount",
        context_cue=True,
        ask=r"\brent\b",
        summary=False,
    ),
    F(
        "price-increase",
        "Price increases",
        "Limits on raising prices.",
        r"\b(?:increase the fees|fees may rise|adjusted once a year|price increase)\b",
        value="percent",
        ask=r"\bincreas\w*\b|\braise\b|\bprice (?:cap|restriction)",
        summary=False,
    ),
    F(
        "late-payment",
        "Late payment",
        "Interest or charges on overdue amounts.",
        r"\b(?:overdue|late charge|late payment|not paid within)\b",
        value="percent",
        ask=r"\blate\b|\boverdue\b|\binterest\b",
        summary=False,
    ),
    F(
        "liability-cap",
        "Cap on liability",
        "The limit of a party's liability.",
        r"\bliability\b[^.]{0,100}\b(?:limited to|shall not exceed|not exceed|capped)\b",
        heading=r"\blimitation of liability\b",
        ask=r"\bliabilit\w*\b|\bcap\b",
    ),
    F(
        "consequential-damages",
        "Excluded damages",
        "Indirect or consequential losses excluded.",
        r"\b(?:consequential|indirect)\b[^.]{0,40}\b(?:loss|damages)\b|\bloss of profits?\b|\blost profits\b",
        ask=r"\bconsequential\b|\bindirect\b|\blost profits\b",
        summary=False,
    ),
    F(
        "confidentiality",
        "Confidentiality",
        "Duties to keep information secret, and for how long.",
        r"\b(?:confidential information|keep\b[^.]{0,40}\bsecret|(?:duties|obligations) of confidentiality"
        r"|confidentiality (?:obligations|duties))\b",
        heading=r"\b(?:confidential\w*|duration)\b",
        value="duration",
        ask=r"\bconfidential\w*\b|\bsecret\b",
    ),
    F(
        "non-solicitation",
        "Non-solicitation of employees",
        "A ban on soliciting or hiring the other's staff.",
        r"\bsolicit\w*\b[^.]{0,100}\b(?:employ\w*|personnel|staff|hire)|\b(?:hire|employ)\b[^.]{0,60}\bsolicit",
        heading=r"\bnon-solicitation\b",
        value="duration",
        ask=r"\bsolicit\w*\b|\bpoach\w*\b|\bhir(?:e|ing)\b[^?]*\bemployees\b",
        summary=False,
    ),
    F(
        "non-compete",
        "Competition restrictions",
        "Restrictions on competing or building competing products.",
        r"\bcompet(?:e|ing|ition)\b",
        ask=r"\bcompet\w*\b",
        summary=False,
    ),
    F(
        "exclusivity",
        "Exclusivity",
        "Whether rights or the appointment are exclusive.",
        r"\b(?:non-)?exclusive (?:basis|right|licen[cs]e)\b|\bexclusive,",
        ask=r"\bexclusiv\w*\b",
        summary=False,
    ),
    F(
        "license-grant",
        "Licence grant",
        "The right to use the service or materials.",
        r"\bgrants?\b[^.]{0,80}\b(?:right|licen[cs]e)\b",
        ask=r"\blicen[cs]e\b|\bright to use\b",
        summary=False,
    ),
    F(
        "ip-ownership",
        "Intellectual property",
        "Who owns what is created or provided.",
        r"\b(?:vest in|retains? (?:all rights|its pre-existing)|intellectual property)\b",
        heading=r"\bintellectual property\b",
        ask=r"\bintellectual property\b|\b(?:ip|own\w*)\b",
        summary=False,
    ),
    F(
        "warranty",
        "Warranties",
        "What a party warrants, and for how long.",
        r"\bwarrants?\b",
        heading=r"\bwarrant\w*\b",
        ask=r"\bwarrant\w*\b",
        summary=False,
    ),
    F(
        "indemnification",
        "Indemnification",
        "Who defends or indemnifies whom against third-party claims.",
        r"\b(?:indemnif\w*|shall defend)\b",
        heading=r"\bindemn\w*\b",
        ask=r"\bindemn\w*\b",
        summary=False,
    ),
    F(
        "insurance",
        "Insurance",
        "Insurance a party must maintain.",
        r"\binsurance\b",
        heading=r"\binsurance\b",
        value="money",
        ask=r"\binsur\w*\b|\bcover(?:age)?\b",
        summary=False,
    ),
    F(
        "audit-rights",
        "Audit rights",
        "A right to audit the other party.",
        r"\baudit\b",
        heading=r"\baudit\b",
        ask=r"\baudit\w*\b",
        summary=False,
    ),
    F(
        "assignment",
        "Assignment",
        "Whether the agreement may be assigned or sublet.",
        r"\b(?:may not assign|not assign|assign this|sublet|without the other's consent)\b",
        heading=r"\bassignment\b",
        ask=r"\bassign\w*\b|\bsublet\w*\b|\btransfer\b",
        summary=False,
    ),
    F(
        "force-majeure",
        "Force majeure",
        "Excuse for events beyond a party's control.",
        r"\b(?:force majeure|beyond (?:its|their) reasonable control)\b",
        heading=r"\bforce majeure\b",
        ask=r"\bforce majeure\b|\bbeyond\b.*\bcontrol\b",
        summary=False,
    ),
    F(
        "security-deposit",
        "Security deposit",
        "Money deposited as security.",
        r"\bdeposit\b",
        heading=r"\bdeposit\b",
        value="money",
        ask=r"\bdeposit\b",
        summary=False,
    ),
    F(
        "breach-notification",
        "Security breach notice",
        "How fast a data or security breach must be reported.",
        r"\bnotify\b[^.]{0,60}\bbreach\b",
        value="duration",
        value_optional=True,
        ask=r"\bdata breach\b|\bsecurity breach\b|\bbreach notif\w*",
        summary=False,
    ),
    F(
        "service-levels",
        "Service levels",
        "Availability or performance the provider commits to.",
        r"\b(?:available (?:at least|no less than)|uptime of|meet or exceed the service levels)\b",
        heading=r"\bservice levels?\b",
        value="percent",
        value_optional=True,
        ask=r"\bservice levels?\b|\buptime\b|\bavailab\w*",
        summary=False,
    ),
    F(
        "post-termination",
        "After termination",
        "What happens after the agreement ends: data export, exit help.",
        r"\b(?:after termination|on expiry or termination|exit assistance)\b",
        value="duration",
        value_optional=True,
        ask=r"\bafter (?:termination|it ends)\b|\bexit\b|\bexport\b",
        summary=False,
    ),
    F(
        "return-of-information",
        "Return of information",
        "Returning or destroying information received.",
        r"\breturn or destroy\b|\bdestroy\b[^.]{0,60}\binformation\b",
        value="duration",
        value_optional=True,
        ask=r"\breturn\w*\b|\bdestroy\w*\b",
        summary=False,
    ),
    F(
        "premises",
        "Premises",
        "The property let.",
        r"\bpremises at\b|\boffice premises\b|\bsuite \d",
        ask=r"\bpremises\b|\baddress\b|\bproperty\b",
        summary=False,
    ),
    F(
        "key-personnel",
        "Key personnel",
        "Rules for removing or replacing named key staff.",
        r"\bkey personnel\b",
        heading=r"\bkey personnel\b",
        value="duration",
        value_optional=True,
        ask=r"\bkey personnel\b|\bkey staff\b",
        summary=False,
    ),
    F(
        "step-in",
        "Step-in rights",
        "A right to take over a failing service.",
        r"\bstep in\b|\bstep-in\b",
        heading=r"\bstep-in\b",
        value="duration",
        value_optional=True,
        ask=r"\bstep[ -]in\b",
        summary=False,
    ),
    F(
        "purpose",
        "Purpose",
        "What the agreement is for.",
        r"\b(?:intend to|in order to evaluate|purpose)\b",
        heading=r"\b(?:background|purpose|recitals?)\b",
        ask=r"\bpurpose\b|\bwhat for\b",
        summary=False,
    ),
]
BY_NAME = {f.name: f for f in FIELDS}


def field_of(name: str) -> Field:
    """The field called ``name`` (case-insensitive, "_" = "-"); a clear error lists the known ones."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in BY_NAME:
        raise ValueError(f"unknown field {name!r}; known fields: {', '.join(BY_NAME)}")
    return BY_NAME[key]
