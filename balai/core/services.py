"""Writes for the organisation: wilayah import, Pemda setup, memberships, staff sign-in apps, and the audit trail."""

from __future__ import annotations

import csv
import datetime
import functools
import gzip
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from balai.lib.geo import GeometryError, polygon_from_geojson
from balai.lib.zones import WIB, WIT, WITA, zone_for_wilayah

from .models import (
    AuditEvent,
    Membership,
    Pemda,
    PemdaKind,
    Role,
    TrainingKind,
    TrainingRecord,
    Unit,
    UnitKind,
    Wilayah,
    WilayahBoundary,
    WilayahLevel,
)
from .selectors import boundaries_forget, staff_2fa_required

# A user, an anonymous visitor, or None for the system itself.
Actor = Any


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: Any,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the audit trail; call it inside the service's transaction."""
    user = actor if actor is not None and actor.is_authenticated else None
    label = actor_label or (user.get_username() if user is not None else "anonymous")
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:150],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(getattr(obj, "public_id", None) or obj.pk),
        changes=changes or {},
        ip_address=ip_address,
    )


# --- Wilayah ---------------------------------------------------------------------------------


class WilayahImportError(ValueError):
    pass


@dataclass(frozen=True)
class WilayahImportResult:
    created: int
    updated: int
    unchanged: int


DATA = Path(__file__).resolve().parent / "data"


def packaged_wilayah_csv() -> Path:
    """The packaged `code,name` table (gzip): idn-area-data 4.0.1 (ODbL, balai/core/data/LICENSE-ODbL.md), with
    the 38 provinces after the 2022 Papua split; rebuilt by scripts/build_wilayah.py."""
    return DATA / "wilayah.csv.gz"


def _read_text(path: Path) -> str:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8-sig") as handle:
            return handle.read()
    return path.read_text(encoding="utf-8-sig")


def packaged_wilayah_text() -> str:
    return _read_text(packaged_wilayah_csv())


@functools.lru_cache(maxsize=1)
def wilayah_aliases() -> dict[str, str]:
    """Old Kemendagri code -> current code, for the areas the packaged table gives a new code (the 2022 Papua
    split moved 26 kabupaten/kota, their kecamatan and kelurahan/desa to four new provinces)."""
    text = _read_text(DATA / "wilayah_aliases.csv.gz")
    return {row[0]: row[1] for row in csv.reader(io.StringIO(text)) if row and row[0] != "old_code"}


def wilayah_current_code(code: str) -> str:
    """The code an area has now: an old code is translated, any other code returned as it is."""
    return wilayah_aliases().get(code, code)


@functools.lru_cache(maxsize=1)
def _former_codes() -> dict[str, tuple[str, ...]]:
    former: dict[str, list[str]] = {}
    for old, new in wilayah_aliases().items():
        former.setdefault(new, []).append(old)
    return {new: tuple(olds) for new, olds in former.items()}


def wilayah_by_code(code: str, **filters: Any) -> Wilayah | None:
    """The imported wilayah with this code, or with the code it had or has under the alias table: an installation
    set up on the old codes keeps its rows (nothing that points to them breaks) and finds them by the new code,
    and one set up on the new codes finds its rows by the old code."""
    candidates = [code, wilayah_current_code(code), *_former_codes().get(code, ())]
    found = {w.code: w for w in Wilayah.objects.filter(code__in=candidates, **filters)}
    return next((found[c] for c in candidates if c in found), None)


def _level(code: str) -> int:
    return {2: 1, 5: 2, 8: 3, 13: 4}.get(len(code), 0)


def _read_rows(lines: Iterable[str], only: str | None) -> Iterator[tuple[str, str, int]]:
    reader = csv.reader(lines)
    for number, row in enumerate(reader, start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip().lower() in {"code", "kode", "kode_wilayah"}:
            continue
        if len(row) < 2:
            raise WilayahImportError(f"line {number}: expected 'code,name', got {row!r}")
        code, name = row[0].strip(), row[1].strip()
        if _level(code) == 0 or not code.replace(".", "").isdigit():
            raise WilayahImportError(f"line {number}: {code!r} is not a Kemendagri code")
        if not name:
            raise WilayahImportError(f"line {number}: {code} has no name")
        if only and not (code == only or code.startswith(f"{only}.") or only.startswith(f"{code}.")):
            continue
        yield code, " ".join(name.split()), number


@functools.lru_cache(maxsize=4)
def _packaged_area_rows(only: str) -> tuple[tuple[str, str, int], ...]:
    """One area's rows of the packaged file, read once per process: the file does not change while it runs, and
    reading all of it (about 91,000 rows) takes most of a second (`balai demo`, every test's demo city)."""
    # Only the lines of the area and its ancestors are parsed: a string test per line instead of the csv module.
    parts = only.split(".")
    ancestors = tuple(f"{'.'.join(parts[:depth])}," for depth in range(1, len(parts)))
    wanted = (f"{only},", f"{only}.", *ancestors)
    return tuple(_read_rows([line for line in packaged_wilayah_text().splitlines() if line.startswith(wanted)], only))


def wilayah_import(
    *, source: Path | None = None, text: str | None = None, only: str | None = None
) -> WilayahImportResult:
    """Load or refresh wilayah from a `code,name` CSV; importing the same data twice changes nothing.

    `only` limits the import to one area's code, its ancestors and everything below it.
    """
    if only:
        only = wilayah_current_code(only)
    if text is None and source is None and only:
        parsed = list(_packaged_area_rows(only))
    else:
        if text is None:
            path = source or packaged_wilayah_csv()
            try:
                text = _read_text(path)
            except (OSError, EOFError, UnicodeDecodeError) as exc:
                raise WilayahImportError(f"cannot read {path}: {exc}") from exc
        parsed = list(_read_rows(io.StringIO(text), only))
    rows = {code: name for code, name, _number in parsed}
    line_of = {code: number for code, _name, number in parsed}
    if not rows:
        raise WilayahImportError("no wilayah rows found")
    for code in rows:
        parent = code.rsplit(".", 1)[0] if "." in code else None
        if parent and parent not in rows and not Wilayah.objects.filter(code=parent).exists():
            raise WilayahImportError(
                f"line {line_of[code]}: {code}: its parent {parent} is neither in the file nor in the database"
            )
    existing = (
        {w.code: w for w in Wilayah.objects.filter(code__in=list(rows))}
        if len(rows) < 5000
        else {w.code: w for w in Wilayah.objects.all()}
    )
    to_create, to_update, unchanged = [], [], 0
    for code in sorted(rows, key=lambda c: (len(c), c)):
        name = rows[code]
        parent_id = code.rsplit(".", 1)[0] if "." in code else None
        current = existing.get(code)
        if current is None:
            to_create.append(Wilayah(code=code, name=name, level=_level(code), parent_id=parent_id))
        elif current.name != name or current.parent_id != parent_id:
            # bulk_update() does not touch auto_now fields by itself.
            current.name, current.parent_id, current.updated_at = name, parent_id, timezone.now()
            to_update.append(current)
        else:
            unchanged += 1
    with transaction.atomic():
        # Parents sort before children, so each batch can reference the ones before it.
        Wilayah.objects.bulk_create(to_create, batch_size=2000)
        Wilayah.objects.bulk_update(to_update, ["name", "parent", "updated_at"], batch_size=2000)
    return WilayahImportResult(created=len(to_create), updated=len(to_update), unchanged=unchanged)


# Where the exports we know put the kelurahan/desa code: ours, BIG's batas desa (KDEPUM), OpenStreetMap.
BOUNDARY_CODE_PROPERTIES = ("code", "kode", "kode_desa", "kode_wilayah", "KDEPUM", "kdepum", "ref:kemendagri")
_PLAIN_CODE = re.compile(r"^(\d{2})(\d{2})(\d{2})(\d{4})$")


@dataclass(frozen=True)
class BoundaryImportResult:
    created: int
    updated: int
    unchanged: int


def _boundary_code(properties: Any, code_property: str | None) -> str:
    if not isinstance(properties, dict):
        return ""
    names = (code_property,) if code_property else BOUNDARY_CODE_PROPERTIES
    raw = next((str(properties[name]).strip() for name in names if properties.get(name) not in (None, "")), "")
    plain = _PLAIN_CODE.match(raw)
    return ".".join(plain.groups()) if plain else raw


def wilayah_boundaries_import(
    *, source: Path, within: str | None = None, code_property: str | None = None
) -> BoundaryImportResult:
    """Load kelurahan/desa outlines from a GeoJSON FeatureCollection, all or nothing.

    Each feature carries a Polygon or MultiPolygon and the Kemendagri code of an imported kelurahan/desa in one
    of BOUNDARY_CODE_PROPERTIES (dotted or 10 digits) or in `code_property`; `within` (the Pemda's kabupaten/kota
    code) refuses features of other areas. Importing the same file twice changes nothing.
    """
    try:
        document = json.loads(source.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise WilayahImportError(f"cannot read {source}: {exc}") from exc
    except ValueError as exc:
        raise WilayahImportError(f"{source} is not GeoJSON: {exc}") from exc
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise WilayahImportError(f"{source} is not a GeoJSON FeatureCollection with features")
    outlines: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = _boundary_code(properties, code_property)
        if not code:
            wanted = code_property or ", ".join(BOUNDARY_CODE_PROPERTIES)
            errors.append(f"feature {number}: no kelurahan/desa code in its properties ({wanted})")
            continue
        filters: dict[str, Any] = {"level": WilayahLevel.DESA_KELURAHAN}
        if within:
            filters["code__startswith"] = f"{within}."
        wilayah = wilayah_by_code(code, **filters)
        if wilayah is None:
            where = f" of {within}" if within else ""
            errors.append(f"feature {number}: {code} is not an imported kelurahan/desa{where}")
            continue
        try:
            polygon_from_geojson(feature.get("geometry"))
        except GeometryError as exc:
            errors.append(f"feature {number} ({code}): {exc}")
            continue
        if wilayah.code in outlines:
            errors.append(f"feature {number}: {code} has an outline already (feature {outlines[wilayah.code]['n']})")
            continue
        outlines[wilayah.code] = {"n": number, "geometry": feature["geometry"]}
    if errors:
        shown = errors[:20] + ([f"... and {len(errors) - 20} more"] if len(errors) > 20 else [])
        raise WilayahImportError("; ".join(shown))
    existing = {b.wilayah_id: b for b in WilayahBoundary.objects.filter(wilayah_id__in=list(outlines))}
    created = updated = unchanged = 0
    with transaction.atomic():
        for code, outline in outlines.items():
            current = existing.get(code)
            if current is None:
                WilayahBoundary.objects.create(wilayah_id=code, geometry=outline["geometry"], source=source.name[:255])
                created += 1
            elif current.geometry != outline["geometry"]:
                current.geometry, current.source = outline["geometry"], source.name[:255]
                current.save(update_fields=["geometry", "source", "updated_at"])
                updated += 1
            else:
                unchanged += 1
    boundaries_forget()
    return BoundaryImportResult(created=created, updated=updated, unchanged=unchanged)


# --- Pemda setup -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardOpd:
    slug: str
    name: str
    short_name: str


STANDARD_OPD_KOTA = [
    StandardOpd("diskominfo", "Dinas Komunikasi dan Informatika", "Diskominfo"),
    StandardOpd("dinas-pupr", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    StandardOpd("dlh", "Dinas Lingkungan Hidup", "DLH"),
    StandardOpd("dinkes", "Dinas Kesehatan", "Dinkes"),
    StandardOpd("dishub", "Dinas Perhubungan", "Dishub"),
    StandardOpd("satpol-pp", "Satuan Polisi Pamong Praja", "Satpol PP"),
    StandardOpd("dinsos", "Dinas Sosial", "Dinsos"),
    StandardOpd("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    StandardOpd("bpbd", "Badan Penanggulangan Bencana Daerah", "BPBD"),
    StandardOpd("inspektorat", "Inspektorat Daerah", "Inspektorat"),
    StandardOpd("disdik", "Dinas Pendidikan", "Disdik"),
    StandardOpd("perkim", "Dinas Perumahan dan Kawasan Permukiman", "Disperkim"),
    StandardOpd("setda", "Sekretariat Daerah", "Setda"),
]


def _territorial_kind(wilayah: Wilayah) -> str:
    if wilayah.level == WilayahLevel.KECAMATAN:
        return UnitKind.KECAMATAN
    return UnitKind.KELURAHAN if wilayah.is_kelurahan else UnitKind.DESA


@dataclass(frozen=True)
class PemdaSetup:
    """What `pemda_setup` did: the Pemda, and lines for the person who ran it (time zone, modules' defaults)."""

    pemda: Pemda
    notes: list[str]


ZONE_NAMES = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}


@transaction.atomic
def pemda_setup(
    *,
    actor: Actor,
    wilayah_code: str,
    code_prefix: str,
    bounds: tuple[Decimal, Decimal, Decimal, Decimal],
    time_zone: str | None = None,
    with_standard_opd: bool = True,
    with_module_defaults: bool = True,
) -> PemdaSetup:
    """Create or refresh the Pemda profile and its units (standard OPD, every kecamatan and kelurahan/desa), let
    each module add its defaults (report categories), and give superusers who hold no role the Pemda-wide ones.

    `time_zone` None takes the zone of the province (Keppres 41/1987). Running it again adds what is missing and
    changes nothing else; wilayah must already be imported.
    """
    kabkota = wilayah_by_code(wilayah_code, level=WilayahLevel.KABUPATEN_KOTA)
    if kabkota is None:
        raise Wilayah.DoesNotExist(f"{wilayah_code} is not an imported kabupaten/kota")
    wilayah_code = kabkota.code
    is_kota = kabkota.name.upper().startswith("KOTA")
    plain = kabkota.name.split(" ", 1)[1].title() if " " in kabkota.name else kabkota.name.title()
    kind = PemdaKind.KOTA if is_kota else PemdaKind.KABUPATEN
    south, north, west, east = bounds
    chosen_zone = time_zone or zone_for_wilayah(wilayah_code)
    pemda, created = Pemda.objects.get_or_create(
        singleton=True,
        defaults={
            "name": f"Pemerintah {'Kota' if is_kota else 'Kabupaten'} {plain}",
            "short_name": f"{'Kota' if is_kota else 'Kabupaten'} {plain}",
            "kind": kind,
            "wilayah": kabkota,
            "code_prefix": code_prefix,
            "time_zone": chosen_zone,
            "min_latitude": south,
            "max_latitude": north,
            "min_longitude": west,
            "max_longitude": east,
        },
    )
    notes = [_zone_note(pemda, kabkota, created=created, given=time_zone)]
    if created:
        audit_record(actor=actor, action="pemda.setup", obj=pemda, changes={"wilayah": wilayah_code})
    elif wilayah_current_code(pemda.wilayah_id) == wilayah_current_code(wilayah_code):
        # Set up on the old code of the same area: its units hang on the old rows, which stay.
        wilayah_code = pemda.wilayah_id
    if with_standard_opd:
        for opd in STANDARD_OPD_KOTA:
            unit, made = Unit.objects.get_or_create(
                slug=opd.slug,
                defaults={
                    "name": opd.name,
                    "short_name": opd.short_name,
                    "kind": UnitKind.OPD,
                    "is_leadership": opd.slug == "setda",
                },
            )
            if made:
                audit_record(actor=actor, action="unit.create", obj=unit, changes={"name": unit.name})
    kecamatan_units: dict[str, Unit] = {}
    for wilayah in Wilayah.objects.filter(code__startswith=f"{wilayah_code}.").order_by("code"):
        parent = kecamatan_units.get(wilayah.code.rsplit(".", 1)[0])
        unit, made = Unit.objects.get_or_create(
            wilayah=wilayah,
            defaults={
                "name": wilayah.display_name,
                "slug": slugify(f"{wilayah.display_name}-{wilayah.code}"),
                "kind": _territorial_kind(wilayah),
                "parent": parent,
            },
        )
        if made:
            audit_record(actor=actor, action="unit.create", obj=unit, changes={"name": unit.name})
        if wilayah.level == WilayahLevel.KECAMATAN:
            kecamatan_units[wilayah.code] = unit
    if with_module_defaults:
        from .registry import registry

        notes.extend(registry.pemda_setup(actor))
    user_model = get_user_model()
    for user in user_model.objects.filter(is_superuser=True, is_active=True, memberships__isnull=True):
        granted = superuser_roles_grant(actor=actor, user=user)
        if granted:
            roles = ", ".join(m.role_label for m in granted)
            notes.append(f"{user.get_username()} (superuser) now holds: {roles}.")
    return PemdaSetup(pemda=pemda, notes=notes)


def _zone_note(pemda: Pemda, kabkota: Wilayah, *, created: bool, given: str | None) -> str:
    zone = f"{pemda.time_zone} ({ZONE_NAMES.get(pemda.time_zone, pemda.time_zone)})"
    if not created:
        return f"Time zone: {zone}, kept from the earlier setup (change it in the Pemda profile)."
    if given:
        return f"Time zone: {zone}, as given by --time-zone."
    province = kabkota.parent.name.title() if kabkota.parent_id and kabkota.parent else kabkota.code[:2]
    return f"Time zone: {zone}, the zone of the province {province} (pass --time-zone to choose another)."


def wilayah_envelope(code: str) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
    """South, north, west, east around the imported kelurahan outlines of a kabupaten/kota, or None if it has none."""
    rows = WilayahBoundary.objects.filter(wilayah__code__startswith=f"{code}.").values_list("geometry", flat=True)
    boxes = [polygon_from_geojson(geometry).bounds for geometry in rows]
    if not boxes:
        return None
    west, south = min(b[0] for b in boxes), min(b[1] for b in boxes)
    east, north = max(b[2] for b in boxes), max(b[3] for b in boxes)
    return tuple(Decimal(str(round(v, 6))) for v in (south, north, west, east))  # type: ignore[return-value]


# The unit where a superuser's Pemda-wide roles are held: the coordinator sits at Diskominfo (as in the demo).
ROLE_HOME_UNITS = ("diskominfo", "setda")


def superuser_roles_grant(*, actor: Actor, user: Any) -> list[Membership]:
    """Give a superuser who holds no role at all (active or ended) the system administrator's role and every
    module's Pemda-wide role (the coordinator's) except those that check the others (`given_to_installer`), so that the staff pages know them; nothing once a Pemda has
    no OPD to hold the roles, nor for a user whose roles were set (or ended) by a person."""
    if not user.is_superuser or Membership.objects.filter(user=user).exists():
        return []
    unit = (
        next((u for slug in ROLE_HOME_UNITS for u in Unit.objects.filter(slug=slug, kind=UnitKind.OPD)), None)
        or Unit.objects.filter(kind=UnitKind.OPD, is_active=True).order_by("pk").first()
    )
    if unit is None:
        return []
    from .registry import registry

    granted = [membership_grant(actor=actor, user=user, unit=unit, role=Role.ADMIN_SISTEM)]
    for module, role in registry.roles():
        if role.pemda_wide and role.given_to_installer:
            granted.append(membership_grant(actor=actor, user=user, unit=unit, role=role.code, module=module.label))
    return granted


# The built-in roles' modules: the platform's own (admin sistem, pimpinan) and the reporting module's.
BUILT_IN_ROLE_MODULES: dict[str, str] = {
    Role.ADMIN_SISTEM: "",
    Role.PIMPINAN: "",
    Role.KOORDINATOR: "lapor",
    Role.OPERATOR: "lapor",
}


class MembershipError(ValueError):
    """A role that no module declares; the message says so in the person's language."""


def role_is_known(module: str, role: str) -> bool:
    from .registry import registry

    if BUILT_IN_ROLE_MODULES.get(role) == module and (module == "" or registry.get(module) is not None):
        return True
    declared = registry.get(module)
    return declared is not None and declared.role(role) is not None


@transaction.atomic
def membership_grant(*, actor: Actor, user: Any, unit: Unit, role: str, module: str | None = None) -> Membership:
    """Give a user a role in a unit, for one module ('' for the platform's roles); a system administrator also
    gets the admin site. The built-in roles know their module, so `module` may be left out for them."""
    if module is None:
        module = BUILT_IN_ROLE_MODULES.get(role, "")
    if not role_is_known(module, role):
        raise MembershipError(_("There is no such role: %(role)s.") % {"role": f"{module}:{role}".strip(":")})
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, module=module, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
    user.is_staff = True
    if role == Role.ADMIN_SISTEM:
        user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    audit_record(
        actor=actor,
        action="membership.grant",
        obj=membership,
        changes={"user": user.get_username(), "module": module, "role": role, "unit": unit.slug},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> Membership:
    """End a role (the row stays, inactive, so the history of who held it is kept)."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.is_active:
        locked.is_active = False
        locked.save(update_fields=["is_active", "updated_at"])
        audit_record(
            actor=actor,
            action="membership.revoke",
            obj=locked,
            changes={"user": locked.user.get_username(), "module": locked.module, "role": locked.role,
                     "unit": locked.unit.slug},
        )  # fmt: skip
    return locked


# --- Two-step sign-in (TOTP) ----------------------------------------------------------------------


class TwoFactorError(Exception):
    """The change is not allowed; the message says why, in words for the person."""


@dataclass(frozen=True)
class CodeCheck:
    """The answer to a typed code: accepted, wrong, or not even tried because of too many wrong codes."""

    accepted: bool
    # Seconds to wait before the next try is looked at; 0 unless the code was not tried at all.
    retry_after: int = 0


def _check_code(device: TOTPDevice, token: str) -> CodeCheck:
    """Try a code against a device locked for update; wrong codes make the next try wait (django-otp throttling)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        return CodeCheck(accepted=False, retry_after=max(1, math.ceil(wait)))
    # verify_token() also refuses a code already used (or older), so a code overheard cannot be replayed.
    return CodeCheck(accepted=bool(device.verify_token(token)))


def totp_check(*, device: TOTPDevice, token: str) -> CodeCheck:
    """Check the code typed at the second sign-in step."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return _check_code(locked, token)


@transaction.atomic
def totp_enrol_start(*, user: Any) -> TOTPDevice:
    """Make a new secret for the person's authenticator app; it counts only once a code from the app confirms it."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise TwoFactorError(_("Two-step sign-in is already on."))
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def totp_enrol_cancel(*, user: Any) -> None:
    """Forget a secret that was never confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()


def totp_enrol_confirm(*, user: Any, token: str, ip_address: str | None = None) -> tuple[CodeCheck, TOTPDevice | None]:
    """Turn two-step sign-in on once the app shows a code that matches the new secret."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            raise TwoFactorError(_("There is no setup in progress. Start again."))
        check = _check_code(device, token)
        if not check.accepted:
            return check, None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=user,
            action="user.2fa_enable",
            obj=user,
            changes={"method": "totp", "device": device.persistent_id},
            ip_address=ip_address,
        )
        return check, device


def totp_disable(*, user: Any, token: str, pemda: Pemda | None, ip_address: str | None = None) -> CodeCheck:
    """Turn two-step sign-in off; a current code proves that the person still holds the app."""
    if staff_2fa_required(user, pemda):
        raise TwoFactorError(_("Your Pemda requires two-step sign-in for your role, so it cannot be turned off."))
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-id").first()
        if device is None:
            raise TwoFactorError(_("Two-step sign-in is not on."))
        check = _check_code(device, token)
        if not check.accepted:
            return check
        audit_record(
            actor=user,
            action="user.2fa_disable",
            obj=user,
            changes={"method": "totp", "device": device.persistent_id},
            ip_address=ip_address,
        )
        TOTPDevice.objects.filter(user=user).delete()
        return check


# --- Training -------------------------------------------------------------------------------------


@transaction.atomic
def training_record(
    *,
    actor: Actor,
    user: Any,
    kind: str,
    title: str,
    date: datetime.date,
    organiser: str = "",
    notes: str = "",
    ip_address: str | None = None,
) -> TrainingRecord:
    """Record a training a member of staff attended (Bimtek, Diklat, other), entered by an administrator."""
    record = TrainingRecord(
        user=user,
        kind=kind,
        title=title,
        date=date,
        organiser=organiser,
        notes=notes,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action="training.record",
        obj=record,
        changes={"user": user.get_username(), "kind": kind, "title": title, "date": date.isoformat()},
        ip_address=ip_address,
    )
    return record


def _pemda_today() -> datetime.date:
    """Today in the Pemda's time zone, whether called from a request, a command or a task."""
    from .selectors import work_calendar

    return work_calendar().local_date(timezone.now())


def training_guide_confirm(*, user: Any, ip_address: str | None = None) -> tuple[TrainingRecord, bool]:
    """The person confirms they have read the in-app guide: recorded once; a second confirmation changes nothing.

    Returns the record and whether it was made now.
    """
    existing = TrainingRecord.objects.filter(user=user, kind=TrainingKind.GUIDE).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            record = TrainingRecord.objects.create(
                user=user,
                kind=TrainingKind.GUIDE,
                title=_("Balai back-office guide"),
                date=_pemda_today(),
                organiser=_("Balai (in-app guide)"),
                recorded_by=user,
            )
            audit_record(
                actor=user, action="training.guide_confirm", obj=record, changes={"kind": TrainingKind.GUIDE},
                ip_address=ip_address,
            )  # fmt: skip
    except IntegrityError:
        # Two clicks at once: the other one recorded it.
        return TrainingRecord.objects.get(user=user, kind=TrainingKind.GUIDE), False
    return record, True


# --- sign-in lockouts ----------------------------------------------------------------------------------------


def login_unlock(*, actor: Actor, user: Any, ip_address: str | None = None) -> int:
    """Lift the sign-in pause of `user`'s account (every address's failures), in the audit trail; the number of
    failure records removed."""
    from axes.utils import reset

    with transaction.atomic():
        removed = reset(username=user.get_username())
        audit_record(
            actor=actor,
            action="login.unlock",
            obj=user,
            changes={"username": user.get_username(), "failure_records": removed},
            ip_address=ip_address,
        )
    return removed
