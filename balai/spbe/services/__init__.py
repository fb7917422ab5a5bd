"""Every write to the SPBE self-assessment goes through these functions, whatever the caller (staff page, command,
demo): one transaction each, the allowed-actions table (balai.spbe.rules), the version check, the audit trail and
the outbox."""

from .assessment import (
    assessment_assign,
    assessment_return,
    assessment_review,
    assessment_save,
    assessment_submit,
    comment_add,
    evidence_add,
    evidence_remove,
    levels_record,
    officers,
)
from .errors import ActionError, StaleVersionError
from .framework import (
    framework_bands_update,
    framework_confirm_weights,
    framework_create_year,
    framework_ensure,
    indicator_update,
    shipped_framework,
)

__all__ = [
    "ActionError",
    "StaleVersionError",
    "assessment_assign",
    "assessment_return",
    "assessment_review",
    "assessment_save",
    "assessment_submit",
    "comment_add",
    "evidence_add",
    "evidence_remove",
    "framework_bands_update",
    "framework_confirm_weights",
    "framework_create_year",
    "framework_ensure",
    "indicator_update",
    "levels_record",
    "officers",
    "shipped_framework",
]
