"""The submission rate limit: counted first in the report's transaction, given back when the report is not written."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from balai.lapor.models import Report, SubmissionCount
from balai.lapor.ratelimit import SubmissionLimited, bucket_for_address, bucket_for_client, submit_is_full
from balai.lapor.services import report_submit
from tests.factories import ReportInputFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(time_machine):
    time_machine.move_to("2026-11-02 09:00:30 +0800", tick=False)


def _address(ip: str = "198.51.100.7"):
    return bucket_for_address(RequestFactory().post("/lapor/", REMOTE_ADDR=ip))


def test_the_eleventh_report_of_the_hour_is_refused_and_not_written(city, settings):
    settings.RATELIMIT_REPORTS = "10/h"
    for _ in range(10):
        report_submit(data=ReportInputFactory.build(), rate_bucket=_address())

    with pytest.raises(SubmissionLimited) as refused:
        report_submit(data=ReportInputFactory.build(), rate_bucket=_address())

    assert Report.objects.count() == 10
    assert 1 <= refused.value.retry_after <= 3600 - 30
    assert submit_is_full(_address()) == refused.value.retry_after
    report_submit(data=ReportInputFactory.build(), rate_bucket=_address("198.51.100.8"))  # another address


def test_a_report_that_is_not_written_gives_its_count_back(city, settings):
    settings.RATELIMIT_REPORTS = "1/h"

    def fails(report: Report) -> None:  # the last step of the report's transaction fails (a crash, a full disk)
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError, match="the disk is full"):
        report_submit(data=ReportInputFactory.build(), rate_bucket=_address(), in_transaction=fails)

    assert not Report.objects.exists()
    assert not SubmissionCount.objects.filter(count__gt=0).exists()
    report_submit(data=ReportInputFactory.build(), rate_bucket=_address())  # the hour's one report is still free


def test_a_new_window_removes_the_counts_of_windows_that_are_over(city, settings, time_machine):
    settings.RATELIMIT_REPORTS = "5/m"
    report_submit(data=ReportInputFactory.build(), rate_bucket=_address("198.51.100.1"))
    time_machine.shift(120)

    report_submit(data=ReportInputFactory.build(), rate_bucket=bucket_for_client(7, "5/m"))

    assert list(SubmissionCount.objects.values_list("key", "count")) == [("api.submit:client:7@1793581320", 1)]
