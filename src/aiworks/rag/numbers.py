"""Number words as contracts write them ("ninety (90) days", "thirty-six (36) hours"): one table for both
directions. The support check (rag/support.py) reads words as numbers; the contract generator
(evaluation/contracts/facts.py) writes numbers as words.
"""

from __future__ import annotations

ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# word → its value as digits ("ninety" → "90"); compounds ("thirty-six") are read word by word
WORD_VALUES = {w: str(i) for i, w in enumerate(ONES)} | {w: str(10 * i) for i, w in enumerate(TENS) if w}
WORD_VALUES["hundred"] = "100"


def spell(n: int) -> str:
    """0 <= n < 1000 in words: 36 → "thirty-six", 120 → "one hundred and twenty"."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else "-" + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if not rest else " and " + spell(rest))
    raise ValueError(n)
