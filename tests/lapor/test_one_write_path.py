"""Reports are written only through balai.lapor.services: at run time (tests/write_path.py, over every test of
the suite) and in the code, for the queryset writes that send no signal."""

from __future__ import annotations

import ast

import pytest

from tests.factories import make_report
from tests.write_path import PACKAGE, SERVICES, WritePathError

GUARDED = {"Report", "ReportEvent", "ReportPhoto", "ReportAttachment"}
WRITES = {"create", "get_or_create", "update_or_create", "update", "bulk_create", "bulk_update", "delete"}


def _root_name(node: ast.AST) -> str | None:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _queryset_writes(source: str, name: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
            and _root_name(node.func.value) in GUARDED
            and ".objects" in ast.unparse(node.func.value)
        ):
            found.append(f"{name}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_no_module_outside_the_services_writes_reports_through_a_queryset():
    offenders = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.is_relative_to(SERVICES) and "migrations" not in path.parts
        for line in _queryset_writes(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))
    ]
    assert offenders == []


def test_the_code_check_finds_queryset_writes_and_leaves_reads_alone():
    source = (
        "Report.objects.filter(code='X').update(status='selesai')\n"
        "ReportEvent.objects.create(report=r, kind='note')\n"
        "Report.objects.filter(code='X').count()\n"
        "Category.objects.filter(slug='x').update(name='y')\n"
    )
    assert [line.split(":")[1] for line in _queryset_writes(source, "probe.py")] == ["1", "2"]


@pytest.mark.django_db
def test_a_save_from_a_balai_module_outside_the_services_is_refused(city):
    report = make_report()
    report.status = "selesai"
    # Code that Python believes lives in balai/dasbor/: the guard judges a write by where it is made.
    code = compile("report.save(update_fields=['status'])", str(PACKAGE / "dasbor" / "elsewhere.py"), "exec")

    with pytest.raises(WritePathError, match=r"Report written from balai/dasbor/elsewhere.py:1"):
        exec(code, {"report": report})  # noqa: S102 - a fixed line of our own


@pytest.mark.django_db
def test_the_same_save_from_the_services_is_allowed(city):
    report = make_report()
    report.title = "Judul yang diperbaiki"
    code = compile("report.save(update_fields=['title'])", str(SERVICES / "elsewhere.py"), "exec")

    exec(code, {"report": report})  # noqa: S102 - a fixed line of our own

    report.refresh_from_db()
    assert report.title == "Judul yang diperbaiki"
