"""Eight browsers sending the heaviest photos at once get the form back with a clear message, and no server
process grows past a memory bound (before: each 60-megapixel PNG took about 500 MB to decode)."""

from __future__ import annotations

import io
import threading
import uuid

import psutil
import pytest
from PIL import Image

from .harness import FORM_URL, Browser, Response, Server, Site, report_fields, server_errors

pytestmark = pytest.mark.resilience

UPLOADS = 8
# Above the server's resident size at rest: two decodes at once (PHOTO_DECODE_CONCURRENCY) of a 50-megapixel
# JPEG at a quarter of its size, and the form's own work. Before the limits, one worker held over 1 GB here.
GROWTH_BOUND_MB = 250


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


@pytest.fixture(scope="module")
def heavy_photos() -> list[tuple[str, str, bytes]]:
    """A 60-megapixel transparent PNG (230 KB) and a 50-megapixel JPEG (1.4 MB): the largest a phone makes."""
    return [
        ("photos", "bom.png", _encode(Image.new("RGBA", (7745, 7745)), "PNG", compress_level=9)),
        ("photos", "besar.jpg", _encode(Image.new("RGB", (8160, 6120), (128, 128, 128)), "JPEG", quality=10)),
    ]


def _worker_rss_mb(server: Server) -> list[float]:
    assert server.process is not None
    return [p.memory_info().rss / 2**20 for p in psutil.Process(server.process.pid).children()]


def test_eight_uploads_of_the_heaviest_photos_at_once_stay_within_a_memory_bound(
    site: Site, server: Server, heavy_photos: list[tuple[str, str, bytes]]
) -> None:
    browsers = [Browser(server.port) for _ in range(UPLOADS)]
    title = f"Tekanan {uuid.uuid4().hex[:6]}"
    forms = [{**report_fields(site.city, title, b.form_token()), "title": ""} for b in browsers]  # invalid: no title
    at_rest = max(_worker_rss_mb(server))
    peak = [at_rest]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            try:
                peak[0] = max(peak[0], *_worker_rss_mb(server))
            except psutil.NoSuchProcess:  # pragma: no cover - a worker restarting
                continue

    answers: list[Response] = []
    start = threading.Barrier(UPLOADS)

    def send(browser: Browser, fields: dict[str, str]) -> None:
        start.wait(timeout=30)
        answers.append(browser.post(FORM_URL, fields, heavy_photos))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = [threading.Thread(target=send, args=pair) for pair in zip(browsers, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    sampler.join()

    assert len(answers) == UPLOADS
    assert {a.status for a in answers} == {200}, [a.text[:300] for a in answers]
    for answer in answers:
        # The form comes back with its error beside the photos; a refusal says why (the bomb's limit).
        assert 'id="error-summary"' in answer.text
        assert "megapi" in answer.text
    assert peak[0] - at_rest < GROWTH_BOUND_MB, f"a worker grew from {at_rest:.0f} to {peak[0]:.0f} MB"
    assert not server_errors(server.log)
    assert site.database.query("SELECT COUNT(*) FROM lapor_report WHERE title LIKE %s", [f"{title}%"]) == [(0,)]
