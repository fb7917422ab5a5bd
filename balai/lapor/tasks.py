"""Background work for reports: notifications by email."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from balai.core.selectors import pemda_current

from .models import Report


@task()
def send_report_received(code: str) -> None:
    report = Report.objects.select_related("category", "kelurahan").get(code=code)
    if not report.reporter_email:
        return
    pemda = pemda_current()
    with translation.override(report.language):
        context = {
            "report": report,
            "pemda": pemda,
            "track_url": settings.SITE_URL + reverse("lapor:track_detail", args=[report.code]),
        }
        subject = render_to_string("lapor/email/received_subject.txt", context).strip()
        body = render_to_string("lapor/email/received_body.txt", context)
    send_mail(subject, body, None, [report.reporter_email])
