"""Two gunicorn workers and a third process, as on a real server: a category added by the third process is on
every page either worker serves next (the workers' kept copies follow the shared version in the database)."""

from __future__ import annotations

from .as_operator import operator_env, python
from .test_serve import get, serving

REQUESTS = 12


def test_a_category_added_by_another_process_is_on_every_workers_next_form(bitung, tmp_path):
    # `bitung`: migrated and set up for Kota Bitung as docs/deploy.md says (as_operator.BITUNG_STEPS).
    env = operator_env(bitung, tmp_path, ALLOWED_HOSTS="127.0.0.1", SITE_URL="https://lapor.bitungkota.go.id")

    with serving(env, tmp_path / "serve.log", "--workers", "2") as (_process, port):
        before = [get(port, "/lapor/") for _ in range(REQUESTS)]  # both workers keep the categories
        added = python(
            env,
            "from balai.core.models import Unit\n"
            "from balai.lapor.models import Category\n"
            "Category.objects.create(slug='pohon', name='Pohon dan taman', default_unit=Unit.objects.get(slug='dlh'))",
        )
        assert added.returncode == 0, added.stderr
        after = [get(port, "/lapor/") for _ in range(REQUESTS)]

    assert all(status == 200 and b"Sampah dan kebersihan" in body for status, _, body in before)
    assert not any(b"Pohon dan taman" in body for _, _, body in before)
    assert all(status == 200 and b"Pohon dan taman" in body for status, _, body in after)
