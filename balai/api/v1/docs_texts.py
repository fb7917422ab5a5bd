"""The English texts of the API's OpenAPI document (summaries, descriptions paragraph by paragraph, fields,
parameters, responses), marked for the catalogue so the documentation page shows them in the reader's language.

The OpenAPI document itself stays English; tests/api/test_v1_docs_language.py fails when a text of the document is
missing here (add it, run `make messages` and translate it)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

TEXTS = (
    gettext_noop(
        "A JSON API for apps and other systems: categories and their questions, the Pemda's wilayah, submitting reports (with photos, safely retried with an `Idempotency-Key`), tracking a report by its code, the public list, and the reporter's own actions with the private `X-Reporter-Token`."
    ),
    gettext_noop(
        'Errors always have the shape `{"error": {"code": "...", "message": "...", "fields": {"name": ["..."]}}}`: `code` is for programs, `message` for people, in Bahasa Indonesia or English after `Accept-Language` (Indonesian by default). Rahasia reports never appear in the list, and no answer ever contains a reporter\'s name, email or phone, except the reporter\'s own token in the answer to their submission.'
    ),
    gettext_noop("Categories and their questions"),
    gettext_noop(
        "The active categories, in the web form's order, each with its extra questions (answer them in `answers`)."
    ),
    gettext_noop("OK"),
    gettext_noop("Service Unavailable"),
    gettext_noop("Kecamatan of the Pemda"),
    gettext_noop("Every kecamatan of this Pemda, by name, with its Kemendagri code."),
    gettext_noop("Kelurahan and desa of the Pemda"),
    gettext_noop("Kelurahan and desa of this Pemda only, optionally within one kecamatan or by part of their name."),
    gettext_noop("Part of the name."),
    gettext_noop("Unprocessable Entity"),
    gettext_noop("Public reports"),
    gettext_noop("Reports anyone may see, newest first. Never rahasia or archived reports; never anybody's identity."),
    gettext_noop("A category's slug."),
    gettext_noop("Words in the title or text, or a code."),
    gettext_noop("Submit a report"),
    gettext_noop(
        "Send a new report as `multipart/form-data` (or `application/x-www-form-urlencoded` when there are no photos); the rules are the web form's. Photos: up to 5 files in `photos` (JPEG, PNG or WebP, at most 10 MB each), re-encoded as JPEG with every bit of metadata (GPS included) removed."
    ),
    gettext_noop(
        "**Authentication is optional.** With an API key (`Authorization: Bearer <key>` or `X-Api-Key: <key>`) the report is attributed to the client and counts against the client's own rate limit; without one it counts against the public web form's limit for the sender's address (`RATELIMIT_REPORTS`, 10 per hour by default). Only reports actually created count. A 429 carries `Retry-After`."
    ),
    gettext_noop(
        "**Safe retries.** Send a fresh random `Idempotency-Key` (a UUID) with every new report and the *same* key with every retry of it. A retry with the same key and the same fields and photos gets the first answer again (with the header `Idempotent-Replayed: true`) and never creates a second report, even when both arrive at the same time. While the first request is still running, a retry waits for it up to 5 seconds, then gets 409 with `Retry-After`. The same key with different content is refused with 422 `idempotency_key_reused`. Only successful answers are kept, for 24 hours; an error (validation, rate limit) is not kept, so a corrected request may reuse the key."
    ),
    gettext_noop(
        "The answer contains `reporter_token`, shown only here: keep it on the device to answer clarification questions and to rate the answer (`X-Reporter-Token`)."
    ),
    gettext_noop("A fresh UUID per report, the same for its retries (16-200 printable ASCII characters)."),
    gettext_noop("pengaduan (complaint), aspirasi, informasi."),
    gettext_noop("A category's slug from GET /categories."),
    gettext_noop("Plain text; what, where, since when."),
    gettext_noop("A kelurahan/desa code of this Pemda (GET /wilayah/kelurahan)."),
    gettext_noop("Street, number or a landmark."),
    gettext_noop("WGS84; with longitude, inside the Pemda's area."),
    gettext_noop("WGS84; with latitude."),
    gettext_noop("Required unless is_anonymous."),
    gettext_noop("Email or phone required (unless anonymous where the Pemda allows it)."),
    gettext_noop("Indonesian or international number."),
    gettext_noop("Hide the reporter's identity from the public and from the OPD."),
    gettext_noop("Rahasia: hide the whole report from the public."),
    gettext_noop("Must be true: consent to the processing of the personal data."),
    gettext_noop(
        'The category\'s questions as a JSON object by question code, e.g. {"ukuran": "besar", "jenis": ["a", "b"]} (a list for multivaluelist).'
    ),
    gettext_noop("Created"),
    gettext_noop("Bad Request"),
    gettext_noop("Unauthorized"),
    gettext_noop("Forbidden"),
    gettext_noop("Not Found"),
    gettext_noop("Conflict"),
    gettext_noop("Request Entity Too Large"),
    gettext_noop("Unsupported Media Type"),
    gettext_noop("Too Many Requests"),
    gettext_noop("Track a report by its code"),
    gettext_noop(
        "The report's status and public timeline, for whoever holds its tracking code (rahasia reports too, like the tracking page; their photos stay with the officers). Never the reporter's identity or contact. Case, spaces and dashes in the code do not matter. Limited per address (`RATELIMIT_TRACK`)."
    ),
    gettext_noop("Answer the officers' clarification question"),
    gettext_noop(
        "While the report is `ditunda` (see `clarification_question`), the reporter answers with the private token in `X-Reporter-Token`; the report goes back to `diterima` and its verification clock resumes. 409 when the report is not waiting for an answer."
    ),
    gettext_noop("Rate the answer"),
    gettext_noop(
        "Once the report is `selesai`, the reporter rates the answer from 1 to 5 (again to change it), with the private token in `X-Reporter-Token`. 409 before it is finished."
    ),
    gettext_noop(
        "A kelurahan/desa code of this Pemda (GET /wilayah/kelurahan). Without it, latitude and longitude are the location: the kelurahan comes from the Pemda's kelurahan boundaries, or the coordinator sets it when verifying."
    ),
)
