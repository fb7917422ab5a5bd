"""The time zone of a place in Indonesia, from the province part of its Kemendagri wilayah code.

Keppres 41/1987 divides Indonesia into three zones by province: WIB (UTC+7) for Sumatra, Java, West and Central
Kalimantan; WITA (UTC+8) for Bali, Nusa Tenggara, South, East and North Kalimantan and Sulawesi; WIT (UTC+9) for
Maluku and the Papua provinces (including those formed in 2022: 93-96).
"""

from __future__ import annotations

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

_WITA_PROVINCES = frozenset({"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"})
_WIT_PROVINCES = frozenset({"81", "82", "91", "92", "93", "94", "95", "96"})


def zone_for_wilayah(code: str) -> str:
    """`Asia/Jakarta`, `Asia/Makassar` or `Asia/Jayapura` for a wilayah code such as `71.72` or `71.72.01.1001`.

    Raises ValueError for a code whose first two characters are not a province number.
    """
    province = code.strip()[:2]
    if len(province) != 2 or not province.isdigit():
        raise ValueError(f"not a wilayah code: {code!r}")
    if province in _WIT_PROVINCES:
        return WIT
    if province in _WITA_PROVINCES:
        return WITA
    return WIB
