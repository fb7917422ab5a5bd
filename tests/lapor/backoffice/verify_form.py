"""The verify panel's fields as a coordinator sends them, for the tests that post it."""

from __future__ import annotations

from typing import Any

from balai.lapor.models import Report, ReportKind, Weight


def verify_form(report: Report, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": ReportKind.PENGADUAN, "category": report.category_id, "weight": Weight.NORMATIF,
        "public_title": report.title, "public_description": "", "lead_unit": "", "instruction": "", "note": "",
    }  # fmt: skip
    data.update(overrides)
    return data
