"""Every write of the module (one write path): village reports, their email intake, the KIM and their posts."""

from ._common import (
    DesaError,
    UploadedFile,
    desa_address,
    file_kind,
    required_missing,
    unit_reply_address,
    unit_reply_key,
    values_clean,
)
from .kim import (
    KimInput,
    kim_member_add,
    kim_member_remove,
    kim_relay,
    kim_save,
    mailbox_set,
    members_bulk,
    post_create,
    post_moderate,
)
from .mail import MailIn, addressed_to_desa, fields_from_text, fields_from_xlsx, mail_discard, mail_take
from .reminders import reminders_send
from .reports import (
    submission_mark_read,
    submission_note,
    submission_review,
    submission_save,
    submission_to_opd,
)

__all__ = [
    "DesaError",
    "KimInput",
    "MailIn",
    "UploadedFile",
    "addressed_to_desa",
    "desa_address",
    "fields_from_text",
    "fields_from_xlsx",
    "file_kind",
    "kim_member_add",
    "kim_member_remove",
    "kim_relay",
    "kim_save",
    "mail_discard",
    "mail_take",
    "mailbox_set",
    "members_bulk",
    "post_create",
    "post_moderate",
    "reminders_send",
    "required_missing",
    "submission_mark_read",
    "submission_note",
    "submission_review",
    "submission_save",
    "submission_to_opd",
    "unit_reply_address",
    "unit_reply_key",
    "values_clean",
]
