"""Every write to a report goes through these functions, whatever the channel (web, API, Open311, email, the
worker): each is one transaction that locks the report, asks the allowed-actions table (balai.lapor.rules),
checks the version the actor saw, saves, records the timeline event and the audit trail, and queues the emails.

Split by actor: `submission` (a new report), `coordinator`, `operator`, `reporter`, `system` (the worker and the
intake channels). Other modules import from here, never from the submodules' private helpers.
"""

from ._steps import ActionError, StaleVersionError
from .coordinator import (
    report_archive,
    report_dispatch,
    report_mark_not_authority,
    report_merge,
    report_move_to_ppid,
    report_request_clarification,
    report_verify,
)
from .operator import PDF_MAGIC, report_accept, report_add_note, report_attach, report_finish, report_return
from .reporter import (
    reopen_deadline,
    report_add_photos,
    report_answer_clarification,
    report_answer_questionnaire,
    report_by_token,
    report_rate,
    report_reopen,
    report_reporter_message,
    report_unsubscribe,
)
from .submission import (
    DuplicateSubmission,
    PendingKept,
    ReportInput,
    pending_photo_discard,
    pending_photo_lifetime,
    pending_photo_store,
    pending_photos_keep,
    pending_photos_purge,
    report_submit,
    submission_browser_hash,
)
from .system import notification_claim, report_add_system_note, report_escalate, report_questionnaire_sent

__all__ = [
    "PDF_MAGIC",
    "ActionError",
    "DuplicateSubmission",
    "PendingKept",
    "ReportInput",
    "StaleVersionError",
    "notification_claim",
    "pending_photo_discard",
    "pending_photo_lifetime",
    "pending_photo_store",
    "pending_photos_keep",
    "pending_photos_purge",
    "reopen_deadline",
    "report_accept",
    "report_add_note",
    "report_add_photos",
    "report_add_system_note",
    "report_answer_clarification",
    "report_answer_questionnaire",
    "report_archive",
    "report_attach",
    "report_by_token",
    "report_dispatch",
    "report_escalate",
    "report_finish",
    "report_mark_not_authority",
    "report_merge",
    "report_move_to_ppid",
    "report_questionnaire_sent",
    "report_rate",
    "report_reopen",
    "report_reporter_message",
    "report_request_clarification",
    "report_return",
    "report_submit",
    "report_unsubscribe",
    "report_verify",
    "submission_browser_hash",
]
