"""The report form's selects are written out in Python (balai.lapor.forms.InlineOptionsSelect) and must give
what Django's own Select gives: the same elements, attributes, groups and selected option."""

from __future__ import annotations

import pytest
from django import forms
from django.test.html import parse_html

from balai.lapor.forms import InlineOptionsSelect

CHOICES = [
    ("", "— choose —"),
    ("Kec. Aertembaga", [("71.72.05.1001", "Kel. Aertembaga Satu"), ("71.72.05.1002", 'Kel. "Pinokalan" & <Sagerat>')]),
    ("Kec. Girian", [("71.72.03.1001", "Kel. Girian Bawah")]),
    ("7", "A plain option"),
]


def both(value: object, attrs: dict[str, object]) -> tuple[str, str]:
    ours = InlineOptionsSelect(attrs={"class": "wide"}, choices=CHOICES).render("kelurahan", value, attrs)
    django = forms.Select(attrs={"class": "wide"}, choices=CHOICES).render("kelurahan", value, attrs)
    return ours, django


@pytest.mark.parametrize("value", [None, "", "71.72.05.1002", "7", 7, "not a choice"])
def test_it_renders_what_djangos_select_renders(value):
    ours, django = both(value, {"id": "id_kelurahan", "required": True, "aria-invalid": "true", "hidden": False})

    assert parse_html(ours) == parse_html(django)


def test_it_escapes_labels_and_values():
    ours, _django = both(None, {"id": "id_kelurahan"})

    assert "&quot;Pinokalan&quot; &amp; &lt;Sagerat&gt;" in ours
    assert "<Sagerat>" not in ours
