"""Value normalisation for comparisons and extraction: durations, money, percentages, dates, jurisdictions.

A comparison is only as good as the values it compares: "one hundred and eighty (180) days", "six months" and
"30 business days" must become numbers on one scale before "the longest" means anything, "USD 5,000,000" and
"$3,000,000" must keep their currency (amounts in different currencies are never ranked against each other),
and "the laws of the State of New York" is the jurisdiction "New York". Each parser returns ``Value``s with
their offsets inside the parsed text, so the caller can cite the sentence and pick the value nearest its cue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aiworks.rag.numbers import WORD_VALUES


MONTHS = "January February March April May June July August September October November December".split()
_UNITS = {"hour": 1 / 24, "day": 1.0, "business day": 7 / 5, "week": 7.0, "month": 365.25 / 12, "year": 365.25}
_WORD_NUMBER = (
    r"(?:(?:one|two|three|four|five|six|seven|eight|nine)\s+hundred(?:\s+and)?\s+)?"
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[\s-](?:one|two|three|four|five|six|seven|"
    r"eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|hundred)"
)
_UNIT = r"(?P<unit>business[\s-]days?|calendar\s+days?|days?|weeks?|months?|years?|hours?)"
_DURATION = re.compile(
    rf"\b(?:(?P<words>{_WORD_NUMBER})\s*\(\s*(?P<paren>\d+)\s*\)|(?P<digits>\d+)|(?P<spelled>{_WORD_NUMBER}))"
    rf"[\s-]*{_UNIT}(?:'s?)?\b",
    re.IGNORECASE,
)
_CURRENCY = {"usd": "USD", "$": "USD", "us$": "USD", "eur": "EUR", "€": "EUR", "gbp": "GBP", "£": "GBP", "chf": "CHF"}
_MONEY = re.compile(
    r"(?P<cur>USD|EUR|GBP|CHF|US\$|\$|€|£)\s?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d{1,2}))?"
    r"(?:\s*(?P<scale>million|thousand|billion))?",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s?(?:%|percent\b)", re.IGNORECASE)
_MONTH = "|".join(MONTHS)
_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_MONTH}),?\s+(?P<y1>\d{{4}})|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}),\s*(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2}))\b"
)
_LAW = re.compile(
    r"\b(?i:laws?\s+of\s+(?:the\s+)?(?:(?:state|commonwealth|province|republic|kingdom)\s+of\s+)?)"
    r"(?P<place>[A-Z][A-Za-z.]*(?:\s+(?:and\s+)?[A-Z][A-Za-z.]*)*)"
)
# words that end a place name ("DELAWARE WITHOUT GIVING EFFECT ...", "New York, The ...") in capitalised text
_PLACE_END = frozenset(
    "without excluding except applicable as in that which to for its including regardless notwithstanding shall "
    "will exclusive applied the this each any and or with hereof thereof".split()
)


@dataclass(frozen=True)
class Value:
    kind: str  # "duration" | "money" | "percent" | "date" | "jurisdiction"
    text: str  # as written, e.g. "one hundred and eighty (180) days"
    start: int  # offsets inside the text that was parsed
    end: int
    number: float | None = None  # comparable magnitude: days, amount, percent, ordinal date (YYYYMMDD)
    unit: str = ""  # "days" for durations, the ISO currency for money, "" otherwise
    normal: str = ""  # the normalised form shown in tables: "180 days", "USD 5,000,000", "2026-05-21", "New York"


def words_to_int(text: str) -> int | None:
    total, current = 0, 0
    for tok in re.split(r"[\s-]+", text.lower().strip()):
        if tok == "and" or not tok:
            continue
        if tok == "hundred":
            current = max(current, 1) * 100
        elif tok in WORD_VALUES:
            current += int(WORD_VALUES[tok])
        else:
            return None
    return total + current


def durations(text: str) -> list[Value]:
    out = []
    for m in _DURATION.finditer(text):
        if m.group("paren"):
            n = int(m.group("paren"))
        elif m.group("digits"):
            n = int(m.group("digits"))
        else:
            parsed = words_to_int(m.group("spelled"))
            if parsed is None:
                continue
            n = parsed
        unit = re.sub(r"[\s-]+", " ", m.group("unit").lower()).rstrip("s")
        unit = unit.replace("calendar day", "day")
        label = unit + ("" if n == 1 else "s")
        out.append(Value("duration", m.group(0), m.start(), m.end(), n * _UNITS[unit], "days", f"{n} {label}"))
    return out


def money(text: str) -> list[Value]:
    out = []
    for m in _MONEY.finditer(text):
        amount = float(m.group("num").replace(",", "")) + (float("0." + m.group("dec")) if m.group("dec") else 0.0)
        scale = (m.group("scale") or "").lower()
        amount *= {"thousand": 1e3, "million": 1e6, "billion": 1e9}.get(scale, 1.0)
        cur = _CURRENCY[m.group("cur").lower()]
        out.append(Value("money", m.group(0), m.start(), m.end(), amount, cur, f"{cur} {amount:,.0f}"))
    return out


_BARE = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?(?![\d,])")


def amounts(text: str) -> list[Value]:
    """Money with a currency, and bare amounts with thousands separators ("9,000" in a table whose column
    header says the currency): unit "" until the caller knows the currency."""
    found = money(text)
    taken = [(v.start, v.end) for v in found]
    for m in _BARE.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            n = float(m.group(0).replace(",", ""))
            found.append(Value("money", m.group(0), m.start(), m.end(), n, "", f"{n:,.0f}"))
    return sorted(found, key=lambda v: v.start)


def with_currency(value: Value, context: str) -> Value:
    """A bare amount takes the currency its table header or heading names ("Monthly base rent (USD)")."""
    if value.kind != "money" or value.unit:
        return value
    m = re.search(r"\b(USD|EUR|GBP|CHF)\b", context)
    if m is None:
        return value
    return Value(
        value.kind, value.text, value.start, value.end, value.number, m.group(1), f"{m.group(1)} {value.number:,.0f}"
    )


def percents(text: str) -> list[Value]:
    return [
        Value("percent", m.group(0), m.start(), m.end(), float(m.group(1)), "%", f"{float(m.group(1)):g}%")
        for m in _PERCENT.finditer(text)
    ]


def dates(text: str) -> list[Value]:
    out = []
    for m in _DATE.finditer(text):
        if m.group("y3"):
            y, mo, d = int(m.group("y3")), int(m.group("m3")), int(m.group("d3"))
        else:
            y = int(m.group("y1") or m.group("y2"))
            mo = MONTHS.index(m.group("m1") or m.group("m2")) + 1
            d = int(m.group("d1") or m.group("d2"))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            iso = f"{y:04d}-{mo:02d}-{d:02d}"
            out.append(Value("date", m.group(0), m.start(), m.end(), float(y * 10000 + mo * 100 + d), "", iso))
    return out


def jurisdictions(text: str) -> list[Value]:
    out = []
    for m in _LAW.finditer(text):
        words = m.group("place").split()
        kept: list[str] = []
        for i, w in enumerate(words):
            if w.lower() in _PLACE_END and not (
                w.lower() == "and" and i + 1 < len(words) and words[i + 1].lower().rstrip(".,;") == "wales"
            ):
                break
            kept.append(w)
        if not kept:
            continue
        place = " ".join(kept).rstrip(".")
        end = m.start("place") + len(" ".join(m.group("place").split()[: len(kept)]).rstrip("."))
        shown = place.title().replace(" And ", " and ") if place.isupper() else place
        out.append(Value("jurisdiction", text[m.start() : end], m.start("place"), end, None, "", shown))
    return out


PARSERS = {
    "duration": durations,
    "money": money,
    "amount": amounts,
    "percent": percents,
    "date": dates,
    "jurisdiction": jurisdictions,
}


def parse(kind: str, text: str) -> list[Value]:
    """Values of ``kind`` in ``text`` (empty for kinds without a parser, e.g. free text)."""
    parser = PARSERS.get(kind)
    return parser(text) if parser else []
