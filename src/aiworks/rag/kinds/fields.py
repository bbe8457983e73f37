"""The clause fields the assistant can find in any contract: for extraction, comparisons and summaries.

The list (fields.yaml) follows the CUAD clause categories a lawyer reviews (parties, dates, term, renewal, termination,
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

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path


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


FIELDS_FILE = Path(__file__).with_name("fields.yaml")


def load_fields(path: Path = FIELDS_FILE) -> list[Field]:
    """The field list, kept as data (fields.yaml): one entry per field, keys as in ``Field``; bad patterns or
    unknown keys fail at import, not at the first question."""
    import yaml

    known = {f.name for f in dataclasses.fields(Field)}
    out = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")):
        unknown = set(item) - known
        if unknown:
            raise ValueError(f"{path.name}: field {item.get('name')!r} has unknown keys {sorted(unknown)}")
        field = Field(**item)
        for rx in (field.cue, field.heading, field.ask, field.near, field.not_before, field.exclude):
            if rx:
                _compiled(rx)
        out.append(field)
    return out


FIELDS: list[Field] = load_fields()
BY_NAME = {f.name: f for f in FIELDS}


def field_of(name: str) -> Field:
    """The field called ``name`` (case-insensitive, "_" = "-"); a clear error lists the known ones."""
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    if key not in BY_NAME:
        raise ValueError(f"unknown field {name!r}; known fields: {', '.join(BY_NAME)}")
    return BY_NAME[key]
