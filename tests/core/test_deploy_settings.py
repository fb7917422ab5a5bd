"""Production settings, read in a fresh process from the environment exactly as a server would set it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from .as_operator import ROOT

PRODUCTION = {
    "BALAI_HTTPS": "true",
    "BEHIND_PROXY": "true",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-" + "k7Qz9" * 8,
    "ALLOWED_HOSTS": "lapor.bitungkota.go.id",
    "CSRF_TRUSTED_ORIGINS": "https://lapor.bitungkota.go.id",
    "SITE_URL": "https://lapor.bitungkota.go.id",
    "DEBUG": "false",
    # As deploy/balai.env.example: nginx's user must reach it (balai.W010), which a pytest tmp_path never allows.
    "STATIC_ROOT": "/var/www/balai/static",
}


def run(code_or_args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests allow the ORM beside Playwright's event loop; a deployment never does.
    skipped = ("S3_", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION and not k.startswith(skipped)}
    clean.update(DJANGO_SETTINGS_MODULE="balai.settings", BALAI_DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run(
        [sys.executable, *code_or_args],
        env=clean,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_in(tmp_path: Path, expression: str, **env: str) -> Any:
    done = run(
        ["-c", f"import django, json; django.setup(); from django.conf import settings as s; {expression}"],
        tmp_path,
        **env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_passes_with_https_a_long_key_and_a_real_host(tmp_path: Path) -> None:
    done = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION)

    assert done.returncode == 0, done.stderr
    # axes.W006 is silenced on purpose (balai/settings.py): nothing else may be.
    assert done.stdout.strip() == "System check identified no issues (1 silenced)."
    assert "WARNING" not in done.stderr


def test_check_deploy_fails_when_https_is_off(tmp_path: Path) -> None:
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        **{**PRODUCTION, "BALAI_HTTPS": "false"},
    )

    assert done.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in done.stderr


def test_https_turns_on_hsts_secure_cookies_and_the_redirect(tmp_path: Path) -> None:
    values = settings_in(
        tmp_path,
        "print(json.dumps({name: getattr(s, name) for name in ("
        "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'DEBUG', "
        "'SESSION_COOKIE_HTTPONLY', 'ALLOWED_HOSTS')}))",
        **PRODUCTION,
    )

    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "DEBUG": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "ALLOWED_HOSTS": ["lapor.bitungkota.go.id"],
    }


def test_media_stay_on_the_filesystem_without_a_bucket(tmp_path: Path) -> None:
    backend = settings_in(
        tmp_path,
        "from django.core.files.storage import storages; print(json.dumps(type(storages['default']).__name__))",
    )
    assert backend == "FileSystemStorage"
    stored = settings_in(tmp_path, "print(json.dumps(s.STORAGES['default']))")
    assert stored == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_moves_media_to_private_s3_storage_with_the_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text("s3cr3t-from-a-file\n")

    storage = settings_in(
        tmp_path,
        "from django.core.files.storage import storages; d = storages['default']; "
        "print(json.dumps({'class': type(d).__module__ + '.' + type(d).__name__, 'bucket': d.bucket_name, "
        "'endpoint': d.endpoint_url, 'region': d.region_name, 'acl': d.default_acl, 'signed': d.querystring_auth, "
        "'overwrite': d.file_overwrite, 'key': d.access_key, 'secret': d.secret_key, 'location': d.location, "
        "'style': d.addressing_style}))",
        S3_BUCKET="balai-bitung",
        S3_ENDPOINT_URL="https://s3.example.go.id",
        S3_REGION="id-jkt-1",
        S3_ACCESS_KEY_ID="AKIABALAI",
        S3_SECRET_ACCESS_KEY_FILE=str(secret),
        S3_PREFIX="media/",
        S3_ADDRESSING_STYLE="path",
    )

    assert storage == {
        "class": "storages.backends.s3.S3Storage",
        "bucket": "balai-bitung",
        "endpoint": "https://s3.example.go.id",
        "region": "id-jkt-1",
        "acl": "private",
        "signed": True,
        "overwrite": False,
        "key": "AKIABALAI",
        "secret": "s3cr3t-from-a-file",
        "location": "media",
        "style": "path",
    }


def test_a_bucket_with_half_the_credentials_stops_start_up(tmp_path: Path) -> None:
    done = run(["manage.py", "check"], tmp_path, S3_BUCKET="balai", S3_ACCESS_KEY_ID="AKIABALAI")
    assert done.returncode != 0
    assert "Set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY" in done.stderr


def test_cache_url_shares_the_rate_limit_cache_through_redis(tmp_path: Path) -> None:
    caches = settings_in(tmp_path, "print(json.dumps(s.CACHES))", CACHE_URL="redis://cache.internal:6379/1")
    assert caches == {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://cache.internal:6379/1",
        }
    }
    default = settings_in(tmp_path, "print(json.dumps(s.CACHES))")
    assert default["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_a_cache_url_that_is_not_redis_stops_start_up(tmp_path: Path) -> None:
    done = run(["manage.py", "check"], tmp_path, CACHE_URL="memcached://127.0.0.1:11211")
    assert done.returncode != 0
    assert "CACHE_URL must be a redis://" in done.stderr
