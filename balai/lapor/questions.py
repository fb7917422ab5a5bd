"""Answers to a category's extra questions, validated the same way from the web form, the API and Open311."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .cache import categories as categories_cached
from .models import Category, CategoryQuestion, QuestionType, Report

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


@dataclass(frozen=True)
class AnswerRow:
    """One answer as a person reads it: the question and the answer in words (choice names, a local date)."""

    code: str
    question: str
    answer: str
    is_public: bool


def answer_text(question: CategoryQuestion | None, value: Any) -> str:
    """An answer in words: the names of the choices, a date and time in the Pemda's zone, a number as typed."""
    if question is not None and question.is_list:
        names = dict(question.choice_pairs())
        return ", ".join(names.get(str(key), str(key)) for key in _as_list(value))
    if question is not None and question.datatype == QuestionType.DATETIME:
        parsed = parse_datetime(str(value))
        if parsed is not None:
            return date_format(timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed, "j M Y, H:i")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def answer_rows(report: Report, *, public_only: bool = False) -> list[AnswerRow]:
    """The report's answers in the category's order. Staff see every answer, also to a question turned off or
    deleted since; the public (`public_only`) only answers to active questions marked public."""
    if not report.answers:
        return []
    if public_only:
        asked = dict(categories_cached().questions).get(report.category, [])
        questions = {q.code: q for q in asked if q.is_public}
    else:
        questions = {q.code: q for q in CategoryQuestion.objects.filter(category_id=report.category_id)}
    rows = []
    for code, value in report.answers.items():
        question = questions.get(code)
        if question is None and public_only:
            continue
        if value in (None, "", []):
            continue
        rows.append(
            AnswerRow(
                code=code,
                question=question.label if question is not None else code,
                answer=answer_text(question, value),
                is_public=question.is_public if question is not None else False,
            )
        )
    order = {code: (q.order, q.pk) for code, q in questions.items()}
    return sorted(rows, key=lambda row: order.get(row.code, (10**6, 0)))


def public_questions() -> dict[int, dict[str, CategoryQuestion]]:
    """The active questions marked public, by category pk and then code: the answers anybody may read."""
    return {category.pk: {q.code: q for q in asked if q.is_public} for category, asked in categories_cached().questions}


def answers_in_one_cell(answers: Mapping[str, Any] | None, questions: Mapping[str, CategoryQuestion]) -> str:
    """ "Question: answer" for each answer to one of `questions`, in the category's order, joined by " | ": one
    spreadsheet cell that reads the same whatever the category (a file mixes categories that ask different things)."""
    if not answers:
        return ""
    asked = sorted(
        (q for code, q in questions.items() if answers.get(code) not in (None, "", [])), key=lambda q: (q.order, q.pk)
    )
    return " | ".join(f"{q.label}: {' '.join(answer_text(q, answers[q.code]).split())}" for q in asked)
