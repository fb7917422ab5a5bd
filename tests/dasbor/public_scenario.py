"""A small month of reports for the public pages, with personal data that must never come out of them.

March 2026 in Kota Bitung (WITA), every step through the same services the staff pages use:
  finished   Mon 2 Mar, anonymous reporter, dispatched to Dinas PUPR (light), finished Wed 4 (on time), rated 4.
  late       Fri 6 Mar, dispatched (light, due Wed 11), finished Fri 13: late, 5 working days.
  open       Tue 10 Mar, verified and dispatched, still in progress.
  february   Mon 16 Feb, never verified.
  rahasia    Wed 11 Mar, confidential, in the Pendidikan category (which nothing else uses), finished on time.
  spam       Thu 12 Mar, archived as spam.
  duplicate  Thu 12 Mar, merged into `open` (so archived as a duplicate).
Every report carries its own name, email, phone, address, title and description, all listed in `SECRETS`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from balai.lapor import services
from balai.lapor.models import ArchiveReason, Category, Report, Weight
from tests.factories import kelurahan, make_report
from tests.lapor.backoffice.steps import dispatched, fresh

WITA = ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 3, 20, 10, tzinfo=WITA)


def at(day: int, month: int = 3, hour: int = 9) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=WITA)


def personal(tag: str) -> dict[str, Any]:
    """Personal data and citizen text that are unmistakably this report's."""
    return {
        "reporter_name": f"Warga {tag.capitalize()}wati",
        "reporter_email": f"{tag}.warga@contoh.id",
        "reporter_phone": f"+62811{sum(map(ord, tag)):07d}",
        "address": f"Gang {tag.capitalize()} Nomor 77",
        "title": f"Judul {tag} dari warga",
        "description": f"Uraian pribadi {tag} yang hanya boleh dibaca petugas.",
    }


def secrets_of(tags: list[str]) -> list[str]:
    return [value for tag in tags for value in personal(tag).values()]


TAGS = ["finished", "late", "open", "february", "rahasia", "spam", "duplicate"]
# What must never be in a public page or file: everyone's personal data and texts (public reports' too).
SECRETS = secrets_of(TAGS)


def march(time_machine: Any, coordinator: Any, operator: Any) -> dict[str, Report]:
    def submit(when: datetime, tag: str, **extra: Any) -> Report:
        time_machine.move_to(when, tick=False)
        return make_report(**personal(tag), **extra)

    def finish(report: Report, verified: datetime, done: datetime, **changes: Any) -> Report:
        time_machine.move_to(verified, tick=False)
        report = dispatched(report, coordinator, weight=Weight.RINGAN, **changes)
        report = services.report_accept(report=report, actor=operator, version=None)
        time_machine.move_to(done, tick=False)
        return services.report_finish(report=report, actor=operator, version=None, answer="Sudah diperbaiki.")

    reports: dict[str, Report] = {}
    reports["february"] = submit(at(16, month=2), "february", kelurahan=kelurahan("Madidir Ure"))
    finished = finish(submit(at(2), "finished", is_anonymous=True), at(3), at(4, hour=10))
    time_machine.move_to(at(5), tick=False)
    reports["finished"] = services.report_rate(report=finished, rating=4)
    reports["late"] = finish(submit(at(6), "late"), at(9), at(13))
    time_machine.move_to(at(10), tick=False)
    opened = dispatched(submit(at(10), "open"), coordinator, weight=Weight.NORMATIF)
    reports["open"] = services.report_accept(report=opened, actor=operator, version=None)
    pendidikan = Category.objects.get(slug="pendidikan")
    rahasia = submit(at(11), "rahasia", is_confidential=True, category=pendidikan)
    reports["rahasia"] = finish(rahasia, at(11, hour=11), at(12), is_confidential=True, category=pendidikan)
    spam = submit(at(12), "spam")
    reports["spam"] = services.report_archive(report=spam, actor=coordinator, version=None, reason=ArchiveReason.SPAM)
    duplicate = submit(at(12, hour=10), "duplicate")
    services.report_merge(duplicate=duplicate, target=fresh(reports["open"]), actor=coordinator, version=None)
    reports["duplicate"] = fresh(duplicate)
    time_machine.move_to(NOW, tick=False)
    return {tag: fresh(report) for tag, report in reports.items()}


PUBLIC = ["february", "finished", "late", "open"]
HIDDEN = ["rahasia", "spam", "duplicate"]
