"""This process's copies of the lists that the report form and the public pages read on every request.

The active categories (with their OPD and extra questions) and the Pemda's kecamatan and kelurahan change a
few times a year, through the admin or `balai wilayah import`. Any write in this process drops the
copy at once (balai.core.changes); other server processes drop theirs at their next request (the shared versions),
or after `ttl` seconds if they serve none. Nothing here depends on who asks.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from balai.core.models import Unit, Wilayah, WilayahLevel
from balai.lib.memo import ProcessMemo

from .models import Category, CategoryQuestion

_categories: ProcessMemo[CategoryList] = ProcessMemo("lapor.categories", ttl=60)
_places: ProcessMemo[Places] = ProcessMemo("lapor.places", ttl=300)
# The blank report form's fields as HTML, per language and Pemda version: they are made of the two lists above,
# so they are kept no longer than the shorter of them and dropped with either.
_blank_form: ProcessMemo[str] = ProcessMemo("lapor.blank_form", ttl=60)


@dataclass(frozen=True)
class CategoryList:
    active: list[Category]
    by_pk: dict[int, Category]
    # Categories that ask extra questions, with their active questions in order.
    questions: list[tuple[Category, list[CategoryQuestion]]] = field(default_factory=list)


def categories() -> CategoryList:
    """Active categories in display order, each with its default OPD loaded."""

    def load() -> CategoryList:
        active = list(Category.objects.filter(is_active=True).select_related("default_unit"))
        by_category: dict[int, list[CategoryQuestion]] = {}
        for question in CategoryQuestion.objects.filter(is_active=True, category__is_active=True):
            by_category.setdefault(question.category_id, []).append(question)
        questions = []
        for category in active:
            if category.pk in by_category:
                asked = sorted(by_category[category.pk], key=lambda q: (q.order, q.pk))
                for question in asked:
                    question.category = category  # the same instance, so that no page reads it again
                questions.append((category, asked))
        return CategoryList(active=active, by_pk={c.pk: c for c in active}, questions=questions)

    return _categories.get("active", load)


@dataclass(frozen=True)
class Places:
    # Kelurahan grouped by kecamatan (display names), for one <select> with optgroups.
    kelurahan_groups: list[tuple[str, list[tuple[str, str]]]]
    kelurahan: dict[str, Wilayah]  # code → kelurahan/desa
    kecamatan: list[tuple[str, str]]  # (code, name) by name


def places(kabkota_code: str) -> Places:
    """The kecamatan and kelurahan/desa of the Pemda's kabupaten or kota (`kabkota_code`, e.g. 71.72)."""

    def load() -> Places:
        kecamatan: dict[str, Wilayah] = {}
        kelurahan: dict[str, Wilayah] = {}
        for wilayah in Wilayah.objects.filter(code__startswith=f"{kabkota_code}.").order_by("level", "name"):
            if wilayah.level == WilayahLevel.KECAMATAN:
                kecamatan[wilayah.code] = wilayah
            elif wilayah.level == WilayahLevel.DESA_KELURAHAN and wilayah.parent_id in kecamatan:
                kelurahan[wilayah.code] = wilayah
        groups: dict[str, tuple[str, list[tuple[str, str]]]] = {
            code: (k.display_name, []) for code, k in kecamatan.items()
        }
        for code, k in kelurahan.items():
            groups[k.parent_id or ""][1].append((code, k.display_name))
        return Places(
            kelurahan_groups=sorted(groups.values(), key=lambda g: g[0]),
            kelurahan=kelurahan,
            kecamatan=[(code, k.name) for code, k in sorted(kecamatan.items(), key=lambda item: item[1].name)],
        )

    return _places.get(kabkota_code, load)


def blank_form_fields(key: Hashable, render: Callable[[], str]) -> str:
    """The fields of an empty report form for `key` (language, Pemda and its version), rendered at most once a
    minute: the same for every new visitor, and most of the form page's cost (Django renders each widget from a
    template). The CSRF token and the form's one-time token are outside them."""
    return _blank_form.get(key, render)


def connect_signals() -> None:
    from balai.core.changes import on_change

    # Any write to these tables, bulk ones included (balai.core.changes).
    on_change(_clear_categories, Category, CategoryQuestion, Unit, uid="lapor.cache.categories")
    on_change(_clear_places, Wilayah, uid="lapor.cache.places")


def _clear_categories(**_kwargs: Any) -> None:
    _categories.clear()
    _blank_form.clear()


def _clear_places(**_kwargs: Any) -> None:
    _places.clear()
    _blank_form.clear()
