"""Answers to a category's extra questions, validated the same way from the web form, the API and Open311."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import Category, CategoryQuestion, QuestionType

MAX_STRING = 255
MAX_TEXT = 4000


def questions_for(category: Category) -> list[CategoryQuestion]:
    return list(category.questions.filter(is_active=True).order_by("order", "id"))


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value if str(v) != ""]
    return [str(value)]


def clean_answer(question: CategoryQuestion, value: Any) -> Any:
    """The stored form of one answer (JSON-safe), or ValueError with a message for the person."""
    datatype = question.datatype
    if datatype == QuestionType.MULTI:
        chosen = _as_list(value)
        allowed = {key for key, _name in question.choice_pairs()}
        unknown = [c for c in chosen if c not in allowed]
        if unknown:
            raise ValueError(_("Choose from the list."))
        return chosen
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    text = "" if value is None else str(value).strip()
    if text == "":
        return None
    if datatype == QuestionType.NUMBER:
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(_("Enter a number.")) from exc
        if not number.is_finite() or abs(number) > Decimal("1e12"):
            raise ValueError(_("Enter a number."))
        return float(number) if number != number.to_integral_value() else int(number)
    if datatype == QuestionType.DATETIME:
        parsed: datetime | None = None
        try:
            parsed = parse_datetime(text)
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValueError(_("Enter a date and time, for example 2026-11-25T08:30+08:00."))
        if timezone.is_naive(parsed):
            # A phone's date-time picker gives local time: the Pemda's zone is active for the request.
            parsed = timezone.make_aware(parsed)
        return parsed.isoformat()
    if datatype == QuestionType.SINGLE:
        if text not in {key for key, _name in question.choice_pairs()}:
            raise ValueError(_("Choose from the list."))
        return text
    limit = MAX_TEXT if datatype == QuestionType.TEXT else MAX_STRING
    if len(text) > limit:
        raise ValueError(_("At most %(n)d characters.") % {"n": limit})
    return text


def validate_answers(category: Category, raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(answers, errors by question code) for the raw values keyed by question code."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions_for(category):
        try:
            value = clean_answer(question, raw.get(question.code))
        except ValueError as exc:
            errors[question.code] = str(exc)
            continue
        if value in (None, []):
            if question.required:
                errors[question.code] = _("This question needs an answer.")
            continue
        answers[question.code] = value
    return answers, errors
