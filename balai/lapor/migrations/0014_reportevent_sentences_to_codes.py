"""Turn the timeline sentences stored as text (in the writer's language, before events had a code) into codes and
parameters, so they read in each reader's language; people's own words after a sentence stay in `note`. A text
not recognised here is left as it is and shown as written."""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

# The texts exactly as Balai wrote them, in English and in Indonesian; frozen here (the catalogue may change).
ARCHIVE_REASONS = {
    "spam": ("Spam or abuse", "Spam atau penyalahgunaan"),
    "terlalu_umum": ("Too general to act on", "Terlalu umum untuk ditindaklanjuti"),
    "tidak_relevan": ("Not relevant to public services", "Tidak berkaitan dengan pelayanan publik"),
    "duplikat": ("Duplicate of another report", "Duplikat laporan lain"),
    "tanpa_klarifikasi": ("No clarification from the reporter", "Tidak ada klarifikasi dari pelapor"),
    "lainnya": ("Other reason", "Alasan lain"),
}
FIXED_ANSWERS = {"ya": ("Yes, it is fixed", "Ya, sudah beres"), "tidak": ("No, it is not fixed", "Tidak, belum beres")}
NO_ANSWER = (
    r"No answer from the reporter within (?P<days>\d+) working days\.",
    r"Tidak ada jawaban dari pelapor dalam (?P<days>\d+) hari kerja\.",
)

# (code, event kinds it may have, patterns of the first line (or the whole text where `whole`), whole)
FIXED: list[tuple[str, set[str], tuple[str, ...]]] = [
    ("accepted", {"status"}, ("The OPD is working on it.", "OPD sedang menanganinya.")),
    ("clarified", {"status"}, ("The reporter answered.", "Pelapor sudah menjawab.")),
    ("reopened", {"status"}, ("Reopened by the reporter: the problem is not solved yet.",
                              "Dibuka kembali oleh pelapor: masalahnya belum beres.")),
    ("escalation.due_soon", {"escalation"}, ("Due within one working day: the operators were reminded.",
                                             "Batas waktu tinggal satu hari kerja: operator sudah diingatkan.")),
    ("escalation.overdue_head", {"escalation"}, ("Overdue: escalated to the head of the OPD.",
                                                 "Terlambat: diteruskan ke kepala OPD.")),
    ("escalation.overdue_coordinator", {"escalation"}, ("Still overdue: escalated to the coordinator.",
                                                        "Masih terlambat: diteruskan ke koordinator.")),
    ("escalation.verify_overdue", {"escalation"}, ("Verification is overdue: the coordinators were reminded.",
                                                   "Verifikasi terlambat: koordinator sudah diingatkan.")),
]  # fmt: skip
PATTERNS: list[tuple[str, set[str], tuple[str, ...]]] = [
    ("dispatched", {"status"}, (r"Sent to (?P<unit>.+) for follow-up\.",
                                r"Diteruskan ke (?P<unit>.+) untuk ditindaklanjuti\.")),
    ("returned", {"status"}, (r"Returned by (?P<unit>.+?): (?P<rest>.*)", r"Dikembalikan oleh (?P<unit>.+?): (?P<rest>.*)")),
    ("attached", {"note"}, (r"Attached (?P<name>.+)\.", r"Lampiran ditambahkan: (?P<name>.+)\.")),
    ("rated", {"rating"}, (r"Rated (?P<n>[1-5]) of 5\.", r"Dinilai (?P<n>[1-5]) dari 5\.")),
    ("not_authority", {"status"}, (r"Not the authority of the Pemda\. Please turn to: (?P<where>[^\n]*)(?:\n(?P<rest>.*))?",
                                   r"Bukan wewenang Pemda\. Silakan menghubungi: (?P<where>[^\n]*)(?:\n(?P<rest>.*))?")),
    ("merged_into", {"status"}, (r"Merged into report (?P<code>\S+), which is followed instead\.(?:\n(?P<rest>.*))?",
                                 r"Digabungkan ke laporan (?P<code>\S+); tindak lanjut dilakukan melalui laporan "
                                 r"tersebut\.(?:\n(?P<rest>.*))?")),
    ("merged_from", {"note"}, (r"Report (?P<code>\S+) was merged into this one\.",
                               r"Laporan (?P<code>\S+) digabungkan ke laporan ini\.")),
]  # fmt: skip


def convert(kind: str, to_status: str, text: str) -> tuple[str, dict[str, Any], str] | None:
    """(code, params, note left) for a stored sentence Balai wrote, in either language; None if not one."""
    for code, kinds, texts in FIXED:
        if kind in kinds and text in texts:
            return code, {}, ""
    for code, kinds, patterns in PATTERNS:
        if kind not in kinds:
            continue
        for pattern in patterns:
            match = re.fullmatch(pattern, text, flags=re.DOTALL)
            if match:
                found = {k: v for k, v in match.groupdict().items() if v is not None}
                rest = found.pop("rest", "").strip()
                if "n" in found:
                    found["n"] = int(found["n"])
                return code, found, rest
    if kind == "reporter":
        for answer, labels in FIXED_ANSWERS.items():
            if text in labels:
                return "questionnaire", {"answer": answer}, ""
    if kind == "status" and to_status == "diarsipkan":
        first, _, rest = text.partition("\n")
        for reason, labels in ARCHIVE_REASONS.items():
            if first in labels:
                params: dict[str, Any] = {"reason": reason}
                second, _, after = rest.partition("\n")
                for pattern in NO_ANSWER:
                    match = re.fullmatch(pattern, second)
                    if match:
                        params["days"], rest = int(match["days"]), after
                return "archived", params, rest.strip()
    return None


def forwards(apps: Any, schema_editor: Any) -> None:
    ReportEvent = apps.get_model("lapor", "ReportEvent")
    stored = ReportEvent.objects.filter(code="").exclude(note="").only("kind", "to_status", "note").order_by("pk")
    last = 0
    while batch := list(stored.filter(pk__gt=last)[:2000]):
        last = batch[-1].pk
        changed = []
        for event in batch:
            found = convert(event.kind, event.to_status, event.note)
            if found is not None:
                event.code, event.params, event.note = found
                changed.append(event)
        ReportEvent.objects.bulk_update(changed, ["code", "params", "note"])


def backwards(apps: Any, schema_editor: Any) -> None:
    """Put the sentences back as Indonesian text (the default language) before the code column goes."""
    from django.utils import translation

    from balai.lapor.timeline import event_text

    ReportEvent = apps.get_model("lapor", "ReportEvent")
    changed = []
    with translation.override("id"):
        for event in ReportEvent.objects.exclude(code=""):
            event.note, event.code, event.params = event_text(event.code, event.params, event.note), "", {}
            changed.append(event)
    ReportEvent.objects.bulk_update(changed, ["code", "params", "note"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("lapor", "0013_reportevent_code_params")]
    operations = [migrations.RunPython(forwards, backwards, elidable=True)]
