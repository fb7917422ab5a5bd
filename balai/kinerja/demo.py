"""The demo's plan (synthetic, labelled demo through the demo Pemda): an RPJMD with goals, every standard OPD's
Renja (about 300 sub kegiatan) for two years with quarterly realisation, some OPD late and some indicators
failing, a few located works, and a draft plan for next year that the public never sees.

History is written with bulk inserts (a few hundred rows in well under a second); each row holds what the
services would have written (accepted realisations carry their check time and their mean achievement)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from balai.core.models import Unit, UnitKind, Wilayah, WilayahLevel
from balai.core.services import membership_grant

from . import evaluation
from .models import (
    Activity,
    Direction,
    GoalIndicator,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Level,
    Plan,
    Realisation,
    RealisationStatus,
    Renstra,
    Rpjmd,
    RpjmdGoal,
    RpjmdMission,
)
from .roles import BAPPEDA, MODULE, PERENCANA
from .services import default_bands_create, demo_user
from .summary import summary_rebuild

# (OPD slug, urusan code, urusan, two programs of its own)
OPD_PLANS = [
    ("dinas-pupr", "1.03", "Pekerjaan Umum dan Penataan Ruang",
     ["Program Pengelolaan dan Pengembangan Sistem Drainase", "Program Penyelenggaraan Jalan"]),
    ("dinkes", "1.02", "Kesehatan",
     ["Program Pemenuhan Upaya Kesehatan Perorangan dan Upaya Kesehatan Masyarakat", "Program Pemberdayaan Masyarakat Bidang Kesehatan"]),
    ("disdik", "1.01", "Pendidikan", ["Program Pengelolaan Pendidikan", "Program Pendidik dan Tenaga Kependidikan"]),
    ("diskominfo", "2.16", "Komunikasi dan Informatika",
     ["Program Aplikasi Informatika", "Program Informasi dan Komunikasi Publik"]),
    ("dlh", "2.11", "Lingkungan Hidup", ["Program Pengelolaan Persampahan", "Program Pengendalian Pencemaran dan/atau Kerusakan Lingkungan Hidup"]),
    ("dishub", "2.15", "Perhubungan", ["Program Penyelenggaraan Lalu Lintas dan Angkutan Jalan", "Program Pengelolaan Pelayaran"]),
    ("satpol-pp", "1.05", "Ketenteraman dan Ketertiban Umum", ["Program Peningkatan Ketenteraman dan Ketertiban Umum", "Program Pencegahan, Penanggulangan, Penyelamatan Kebakaran"]),
    ("dinsos", "1.06", "Sosial", ["Program Rehabilitasi Sosial", "Program Perlindungan dan Jaminan Sosial"]),
    ("disdukcapil", "2.12", "Administrasi Kependudukan dan Pencatatan Sipil", ["Program Pendaftaran Penduduk", "Program Pengelolaan Informasi Administrasi Kependudukan"]),
    ("bpbd", "1.05", "Ketenteraman dan Ketertiban Umum", ["Program Penanggulangan Bencana", "Program Pencegahan dan Kesiapsiagaan Bencana"]),
    ("inspektorat", "6.01", "Inspektorat Daerah", ["Program Penyelenggaraan Pengawasan", "Program Perumusan Kebijakan, Pendampingan dan Asistensi"]),
    ("perkim", "1.04", "Perumahan dan Kawasan Permukiman", ["Program Pengembangan Perumahan", "Program Kawasan Permukiman"]),
    ("setda", "4.01", "Sekretariat Daerah", ["Program Pemerintahan dan Kesejahteraan Rakyat", "Program Perekonomian dan Pembangunan"]),
]  # fmt: skip
SUPPORT = "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota"
KEGIATAN_WORDS = [
    "Perencanaan dan Penganggaran",
    "Penyelenggaraan Layanan",
    "Pembangunan dan Pemeliharaan",
    "Pembinaan dan Pengawasan",
]
SUB_WORDS = [
    ("Penyusunan Dokumen Perencanaan", "Dokumen", 4, Direction.HIGHER),
    ("Pembangunan Prasarana", "Unit", 6, Direction.HIGHER),
    ("Rehabilitasi dan Pemeliharaan", "Lokasi", 10, Direction.HIGHER),
    ("Sosialisasi dan Edukasi Masyarakat", "Kegiatan", 12, Direction.HIGHER),
    ("Penyediaan Layanan Digital", "Aplikasi", 2, Direction.HIGHER),
    ("Penanganan Pengaduan Masyarakat", "Hari penyelesaian", 5, Direction.LOWER),
    ("Pengadaan Peralatan Kerja", "Paket", 3, Direction.HIGHER),
    ("Monitoring dan Evaluasi", "Laporan", 4, Direction.HIGHER),
]
GOALS = [
    (1, "Meningkatnya kualitas sumber daya manusia", "Indeks Pembangunan Manusia", "Poin", Direction.HIGHER, "72.1", "74.0"),
    (1, "Meningkatnya derajat kesehatan masyarakat", "Angka Harapan Hidup", "Tahun", Direction.HIGHER, "71.0", "72.0"),
    (2, "Meningkatnya kualitas infrastruktur kota", "Jalan kota dalam kondisi mantap", "%", Direction.HIGHER, "68", "80"),
    (2, "Menurunnya luas kawasan permukiman kumuh", "Luas kawasan kumuh", "Ha", Direction.LOWER, "96", "60"),
    (3, "Meningkatnya kualitas tata kelola pemerintahan", "Indeks SPBE", "Indeks", Direction.HIGHER, "2.4", "3.5"),
    (3, "Meningkatnya akuntabilitas kinerja", "Nilai SAKIP", "Nilai", Direction.HIGHER, "62", "75"),
    (4, "Meningkatnya kualitas lingkungan hidup", "Indeks Kualitas Lingkungan Hidup", "Indeks", Direction.HIGHER, "65", "70"),
    (4, "Meningkatnya ketenteraman dan ketertiban", "Gangguan trantibum tertangani", "%", Direction.HIGHER, "85", "95"),
]  # fmt: skip
GOAL_OF = {"1.01": 0, "1.02": 1, "1.03": 2, "1.04": 3, "2.16": 4, "2.12": 4, "6.01": 5, "4.01": 5, "2.11": 6, "2.15": 2,
           "1.05": 7, "1.06": 0}  # fmt: skip
LATE_OPD = ("dinsos", "bpbd", "satpol-pp")  # these have not sent the last quarter of this year
YEARS = (2025, 2026)


def load(context: Any) -> None:
    rng = context.rng
    with transaction.atomic():
        default_bands_create(None)
        bappeda, _created = Unit.objects.get_or_create(
            slug="bappeda",
            defaults={"name": "Badan Perencanaan Pembangunan, Riset dan Inovasi Daerah", "short_name": "Bappeda", "kind": UnitKind.OPD},
        )  # fmt: skip
        for username, name, unit, role in (
            ("bappeda", "Meiske Rumondor", bappeda, BAPPEDA),
            ("perencana.pupr", "Jefry Sumual", Unit.objects.get(slug="dinas-pupr"), PERENCANA),
            ("perencana.dinkes", "Olivia Pangemanan", Unit.objects.get(slug="dinkes"), PERENCANA),
        ):
            membership_grant(
                actor=None, user=demo_user(username, name, context.password), unit=unit, role=role, module=MODULE
            )
        if Plan.objects.filter(year__in=YEARS).exists():
            return
        rpjmd = _rpjmd()
        goals = list(RpjmdGoal.objects.filter(mission__rpjmd=rpjmd).order_by("code"))
        units = {u.slug: u for u in Unit.objects.filter(slug__in=[p[0] for p in OPD_PLANS])}
        for slug, _c, _u, _p in OPD_PLANS:
            renstra = Renstra.objects.create(rpjmd=rpjmd, unit=units[slug], summary="Renstra 2021–2026 (demo)")
            renstra.goals.set({goals[GOAL_OF.get(_c, 5)]})
        kelurahan = list(
            Wilayah.objects.filter(level=WilayahLevel.DESA_KELURAHAN, code__startswith="71.72.").order_by("code")
        )
        now = timezone.now()
        for year in YEARS:
            plan = Plan.objects.create(year=year, rpjmd=rpjmd, published=True)
            _plan_rows(plan, units, goals, kelurahan, rng)
            _realisation(plan, now, rng)
        draft = Plan.objects.create(year=max(YEARS) + 1, rpjmd=rpjmd, published=False)
        _plan_rows(draft, {"dinas-pupr": units["dinas-pupr"]}, goals, [], rng, only=("dinas-pupr",))
        # The rows above were bulk-inserted: count the summary cells once, as `balai kinerja summary rebuild` does.
        summary_rebuild()


def _rpjmd() -> Rpjmd:
    rpjmd = Rpjmd.objects.create(
        start_year=2021, end_year=2026,
        vision="Bitung yang maju, sejahtera, berbudaya dan berdaya saing (demo)",
    )  # fmt: skip
    missions = {
        n: RpjmdMission.objects.create(rpjmd=rpjmd, number=n, text=text)
        for n, text in (
            (1, "Meningkatkan kualitas sumber daya manusia yang sehat dan cerdas"),
            (2, "Membangun infrastruktur kota yang merata dan berkelanjutan"),
            (3, "Mewujudkan tata kelola pemerintahan yang baik dan digital"),
            (4, "Mewujudkan lingkungan yang bersih, aman dan tertib"),
        )
    }
    for i, (mission, title, indicator, unit, direction, baseline, final) in enumerate(GOALS, start=1):
        goal = RpjmdGoal.objects.create(mission=missions[mission], code=f"S{i}", title=title)
        start, end = Decimal(baseline), Decimal(final)
        targets = {
            str(y): str((start + (end - start) * (y - 2021) / 5).quantize(Decimal("0.1"))) for y in range(2022, 2027)
        }
        GoalIndicator.objects.create(
            goal=goal, name=indicator, unit_label=unit, direction=direction, baseline=start, targets=targets
        )
    return rpjmd


def _plan_rows(
    plan: Plan,
    units: dict[str, Unit],
    goals: list[RpjmdGoal],
    kelurahan: list[Wilayah],
    rng: Any,
    only: tuple[str, ...] = (),
) -> None:
    subs: list[Activity] = []
    for opd_index, (slug, urusan_code, urusan, own) in enumerate(OPD_PLANS):
        if only and slug not in only:
            continue
        unit = units[slug]
        for p_index, program_name in enumerate([SUPPORT, *own], start=1):
            code = f"{urusan_code}.{p_index:02d}"
            goal = goals[GOAL_OF.get(urusan_code, 5)] if p_index > 1 else None
            program = Activity.objects.create(
                plan=plan, level=Level.PROGRAM, code=code, name=program_name, unit=unit, urusan=urusan, goal=goal
            )
            program.program = program
            program.save(update_fields=["program"])
            for k_index in (1, 2):
                word = KEGIATAN_WORDS[(p_index + k_index + opd_index) % len(KEGIATAN_WORDS)]
                kegiatan = Activity.objects.create(
                    plan=plan, level=Level.KEGIATAN, parent=program, program=program, code=f"{code}.2.{k_index:02d}",
                    name=f"{word} {urusan}", unit=unit, urusan=urusan,
                )  # fmt: skip
                for s_index in range(1, 5):
                    name, _u, _t, _d = SUB_WORDS[(p_index * 3 + k_index * 2 + s_index + opd_index) % len(SUB_WORDS)]
                    physical = name.startswith(("Pembangunan", "Rehabilitasi")) and slug in (
                        "dinas-pupr",
                        "perkim",
                        "dlh",
                    )
                    place = rng.choice(kelurahan) if physical and kelurahan else None
                    subs.append(Activity(
                        plan=plan, level=Level.SUB_KEGIATAN, parent=kegiatan, program=program,
                        code=f"{code}.2.{k_index:02d}.{s_index:04d}", name=f"{name} {urusan}"[:400], unit=unit, urusan=urusan,
                        pagu=Decimal(rng.randrange(50, 2500)) * 1_000_000, spbe=name == "Penyediaan Layanan Digital" or (slug == "diskominfo" and s_index <= 2),
                        kelurahan=place, geometry=_point(place, rng) if place else "",
                    ))  # fmt: skip
    Activity.objects.bulk_create(subs)
    made = Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN)
    indicators = []
    for activity in made:
        name, unit_label, target, direction = next(w for w in SUB_WORDS if activity.name.startswith(w[0]))
        indicators.append(Indicator(activity=activity, name=f"Jumlah {name.lower()}" if direction == Direction.HIGHER else "Rata-rata waktu penyelesaian pengaduan",
                                    kind=IndicatorKind.OUTPUT, unit_label=unit_label, target=Decimal(target), direction=direction))  # fmt: skip
    Indicator.objects.bulk_create(indicators)


def _point(place: Wilayah, rng: Any) -> str:
    # Around the kecamatan centres of the demo city (balai.platform.demo), jittered.
    lat = 1.44 + rng.uniform(-0.05, 0.08)
    lng = 125.12 + rng.uniform(-0.05, 0.12)
    return json.dumps({"type": "Point", "coordinates": [round(lng, 5), round(lat, 5)]})


def _realisation(plan: Plan, now: datetime, rng: Any) -> None:
    today = timezone.localdate(now)
    subs = list(
        Activity.objects.filter(plan=plan, level=Level.SUB_KEGIATAN)
        .select_related("unit")
        .prefetch_related("indicators")
    )
    weak_units = {"dinsos", "dishub"}  # their indicators fall short
    rows: list[Realisation] = []
    values: list[tuple[int, int, Indicator, Decimal]] = []
    for activity in subs:
        pace = Decimal(rng.uniform(0.55, 0.8) if activity.unit.slug in weak_units else rng.uniform(0.85, 1.1))
        for quarter in (1, 2, 3, 4):
            end = _quarter_end(plan.year, quarter)
            if end >= today:
                break
            if plan.year == today.year and activity.unit.slug in LATE_OPD and quarter == _last_ended(today):
                continue
            share = Decimal(quarter) / 4
            physical = min(Decimal(100), (share * 100 * pace).quantize(Decimal("0.01")))
            checked = timezone.make_aware(datetime.combine(end + timedelta(days=12), time(10)))
            rows.append(Realisation(
                activity=activity, quarter=quarter, physical_pct=physical,
                financial=(activity.pagu * share * pace * Decimal("0.95")).quantize(Decimal(1)).min(activity.pagu),
                obstacles="Cuaca ekstrem menunda pekerjaan lapangan." if pace < Decimal("0.8") and quarter >= 2 else "",
                follow_up="Penambahan tenaga kerja dan jam kerja." if pace < Decimal("0.8") and quarter >= 2 else "",
                status=RealisationStatus.ACCEPTED, submitted_at=checked - timedelta(days=3), checked_at=checked,
            ))  # fmt: skip
            for indicator in activity.indicators.all():
                if indicator.direction == Direction.LOWER:
                    achieved = (indicator.target / pace).quantize(Decimal("0.1"))
                else:
                    achieved = (indicator.target * share * pace).quantize(Decimal("0.1"))
                values.append((activity.pk, quarter, indicator, achieved))
    Realisation.objects.bulk_create(rows)
    by_key = {(r.activity_id, r.quarter): r for r in Realisation.objects.filter(activity__plan=plan)}
    IndicatorValue.objects.bulk_create(
        IndicatorValue(realisation=by_key[(a, q)], indicator=i, achieved=v) for a, q, i, v in values
    )
    scores: dict[tuple[int, int], list[Decimal | None]] = {}
    for a, q, i, v in values:
        scores.setdefault((a, q), []).append(evaluation.achievement(i.target, v, i.direction))
    for key, realisation in by_key.items():
        realisation.achievement = evaluation.mean(scores.get(key, []))
    Realisation.objects.bulk_update(by_key.values(), ["achievement"])


def _quarter_end(year: int, quarter: int) -> Any:
    from .selectors import quarter_end

    return quarter_end(year, quarter)


def _last_ended(today: Any) -> int:
    ended = [q for q in (1, 2, 3, 4) if _quarter_end(today.year, q) < today]
    return ended[-1] if ended else 0
