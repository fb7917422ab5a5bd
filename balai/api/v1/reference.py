"""Reference data an app needs before it can submit: categories with their questions, and the Pemda's wilayah."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from balai.core.models import Wilayah
from balai.lapor.models import CategoryQuestion
from balai.lapor.selectors import categories_active

from .access import pemda_for
from .schemas import CategoryOut, ErrorOut, KecamatanOut, KelurahanOut, KelurahanQuery

router = Router()

CACHE_SECONDS = 300


def _cacheable(response: HttpResponse) -> None:
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"


@router.get(
    "/categories",
    response={200: list[CategoryOut], 503: ErrorOut},
    tags=["reference"],
    summary="Categories and their questions",
    operation_id="categories_list",
)
def categories_list(request: HttpRequest, response: HttpResponse) -> list[dict[str, object]]:
    """The active categories, in the web form's order, each with its extra questions (answer them in `answers`)."""
    pemda_for(request)
    _cacheable(response)
    questions = CategoryQuestion.objects.filter(is_active=True).order_by("order", "id")
    categories = categories_active().prefetch_related(Prefetch("questions", queryset=questions))
    return [
        {
            "slug": category.slug,
            "name": category.name,
            "description": category.description,
            "questions": [
                {
                    "code": question.code,
                    "label": question.label,
                    "description": question.description,
                    "datatype": question.datatype,
                    "required": question.required,
                    "order": question.order,
                    "values": [{"key": key, "name": name} for key, name in question.choice_pairs()],
                }
                for question in category.questions.all()
            ],
        }
        for category in categories
    ]


@router.get(
    "/wilayah/kecamatan",
    response={200: list[KecamatanOut], 503: ErrorOut},
    tags=["reference"],
    summary="Kecamatan of the Pemda",
    operation_id="kecamatan_list",
)
def kecamatan_list(request: HttpRequest, response: HttpResponse) -> list[dict[str, str]]:
    """Every kecamatan of this Pemda, by name, with its Kemendagri code."""
    pemda = pemda_for(request)
    _cacheable(response)
    return [
        {"code": w.code, "name": w.name, "display_name": w.display_name}
        for w in Wilayah.objects.kecamatan_of(pemda.wilayah_id).order_by("name", "code")
    ]


@router.get(
    "/wilayah/kelurahan",
    response={200: list[KelurahanOut], 422: ErrorOut, 503: ErrorOut},
    tags=["reference"],
    summary="Kelurahan and desa of the Pemda",
    operation_id="kelurahan_list",
)
def kelurahan_list(
    request: HttpRequest, response: HttpResponse, filters: Query[KelurahanQuery]
) -> list[dict[str, str]]:
    """Kelurahan and desa of this Pemda only, optionally within one kecamatan or by part of their name."""
    pemda = pemda_for(request)
    _cacheable(response)
    qs = Wilayah.objects.kelurahan_of(pemda.wilayah_id)
    if filters.kecamatan:
        qs = qs.filter(parent_id=filters.kecamatan)
    if filters.q:
        qs = qs.filter(name__icontains=filters.q.strip())
    return [
        {
            "code": w.code,
            "name": w.name,
            "display_name": w.display_name,
            "kind": "kelurahan" if w.is_kelurahan else "desa",
            "kecamatan": str(w.parent_id),
        }
        for w in qs.order_by("name", "code")
    ]
