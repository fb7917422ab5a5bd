"""The evaluation arithmetic, on plain numbers (no database): achievement per indicator, roll-ups, predicates.

Achievement of an indicator (capaian), in percent of its target:
- higher is better: realised ÷ target × 100;
- lower is better: (2 × target − realised) ÷ target × 100, the formula of the LAN guide to performance
  reporting (Pedoman Penyusunan Pelaporan Akuntabilitas Kinerja Instansi Pemerintah, Keputusan Kepala LAN
  No. 239/IX/6/8/2003: "capaian = (rencana − (realisasi − rencana)) ÷ rencana × 100 %"), still the usual one in
  LKjIP; it never goes below 0.
- a target of 0: for "lower is better", 100 when the realised value is 0 or less and 0 otherwise; for "higher
  is better" there is nothing to divide by, so the achievement is unknown (None) and shown as such.
- no realised value: unknown (None), never 0: a missing report is flagged as missing, not as a failure.
Roll-ups (sub kegiatan, program, OPD, RPJMD goal) are the plain mean of the known achievements below them.

Predicate bands: the default five bands (≥ 91 Sangat Baik, ≥ 76 Baik, ≥ 66 Cukup, ≥ 51 Kurang, below: Sangat
Kurang) follow the five-band scale of the RKPD evaluation in Permendagri 86/2017 (Lampiran: 91–100 sangat
tinggi, 76–90 tinggi, 66–75 sedang, 51–65 rendah, ≤ 50 sangat rendah); the words are a local convention, so a
Pemda edits them (PredicateBand).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ONE_PLACE = Decimal("0.1")

DEFAULT_BANDS: tuple[tuple[Decimal, str], ...] = (
    (Decimal(91), "Sangat Baik"),
    (Decimal(76), "Baik"),
    (Decimal(66), "Cukup"),
    (Decimal(51), "Kurang"),
    (Decimal(0), "Sangat Kurang"),
)


def achievement(target: Decimal | None, realised: Decimal | None, direction: str) -> Decimal | None:
    """Achievement in percent (one decimal), or None when it cannot be known."""
    if realised is None or target is None:
        return None
    if direction == "lower":
        if target == 0:
            return HUNDRED if realised <= 0 else Decimal(0)
        value = (2 * target - realised) / target * HUNDRED
        return max(value, Decimal(0)).quantize(ONE_PLACE, ROUND_HALF_UP)
    if target == 0:
        return None
    return (realised / target * HUNDRED).quantize(ONE_PLACE, ROUND_HALF_UP)


def mean(values: Iterable[Decimal | None]) -> Decimal | None:
    """The mean of the known values (None when there is none)."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    return (sum(known, Decimal(0)) / len(known)).quantize(ONE_PLACE, ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part ÷ whole × 100 (budget absorption, SPBE share), None when the whole is 0."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole) * HUNDRED).quantize(ONE_PLACE, ROUND_HALF_UP)


def predicate(value: Decimal | None, bands: Sequence[tuple[Decimal, str]] = DEFAULT_BANDS) -> str:
    """The label of the highest band whose lower bound the value reaches ('' for an unknown value)."""
    if value is None:
        return ""
    for lower, label in sorted(bands, key=lambda band: band[0], reverse=True):
        if value >= lower:
            return label
    return ""
