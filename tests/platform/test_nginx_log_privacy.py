"""nginx's access log never keeps a tracking code, a reporter's private link, a token or a client's address
(UU 27/2022; issue 19 §3). The shipped site's `map` is read and its regexes applied as nginx would (PCRE and
Python's re agree on these simple ones); where nginx is installed, a real nginx proves it on its own log."""

from __future__ import annotations

import re
import ssl
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.platform.deploy_files import NGINX_SITE, nginx_blocks, shipped_nginx_site, without_comments

CODE = "BTG-7K3Q-9XFA"
# Fixed values (shaped like real ones): the test ids must be the same in every xdist worker.
TOKEN = "E6QvZ_fA0K0Tsve-SD9ODRvvcQpTvkgl"
PHOTO = "3f2b8c1e-9a4d-4c7e-b1f0-6d5a2e8c9b13"
# URL parameters that carry a secret or identify a report, and what stands in for them in the sample paths.
SECRET_PARAMETERS = {"code": CODE, "token": TOKEN, "service_request_id": CODE, "public_id": PHOTO}
OTHER_PARAMETERS = {"fmt": "json", "action": "verifikasi", "app_label": "lapor", "url": "", "service_code": "jalan"}
SECRETS = (CODE, TOKEN, PHOTO)


def site() -> str:
    return without_comments(NGINX_SITE.read_text(encoding="utf-8"))


def log_map() -> tuple[str, list[tuple[re.Pattern[str], str]]]:
    """The default and the (regex, value) lines of `map $uri $balai_log_path`, in the order nginx tries them."""
    (body,) = nginx_blocks(site(), "map $uri $balai_log_path")
    default = ""
    lines: list[tuple[re.Pattern[str], str]] = []
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        match = re.fullmatch(r'(?:"([^"]*)"|(\S+))\s+(\S+);', line)
        assert match, f"a map line this test cannot read: {line!r}"
        key, value = match.group(1) or match.group(2), match.group(3)
        if key == "default":
            default = value
        elif key.startswith("~*"):
            lines.append((re.compile(key[2:], re.IGNORECASE), value))
        else:
            assert key.startswith("~"), f"only regex lines are expected in the map: {line!r}"
            lines.append((re.compile(key[1:]), value))
    return default, lines


def logged_path(uri: str) -> str:
    """What nginx writes for the (decoded) path `uri`: the first matching regex's value, else the default."""
    default, lines = log_map()
    for pattern, value in lines:
        if pattern.search(uri):
            return value
    assert default == "$uri"
    return uri


def sample_paths() -> Iterator[str]:
    """Every URL of Balai that takes a parameter, with a tracking code, token or photo id where it takes one."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern).replace("^", "").replace("$", "").replace("\\.", ".")
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif "<" in route and any(name in route for name in SECRET_PARAMETERS):
                yield "/" + re.sub(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>", fill, route)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        return SECRET_PARAMETERS.get(name) or OTHER_PARAMETERS.get(name, "1")

    return walk(get_resolver().url_patterns, "")


PATHS = sorted(set(sample_paths()))


def test_the_samples_cover_every_url_that_carries_a_code_or_token() -> None:
    assert f"/lacak/{CODE}/{TOKEN}/" in PATHS
    assert f"/lacak/{CODE}/{TOKEN}/berhenti/" in PATHS
    assert f"/api/v1/reports/{CODE}/rating" in PATHS
    assert f"/open311/v2/tokens/{TOKEN}.json" in PATHS
    assert f"/staf/laporan/{CODE}/verifikasi/" in PATHS
    assert f"/lapor/foto-sementara/{PHOTO}/" in PATHS


@pytest.mark.parametrize("path", PATHS)
def test_no_code_or_token_survives_in_the_access_log(path: str) -> None:
    for variant in (path, path.lower()):
        logged = logged_path(variant)

        assert not any(secret.lower() in logged.lower() for secret in SECRETS), f"{variant} is logged as {logged}"


@pytest.mark.parametrize(
    "path", [f"/{CODE}", f"/cari/{CODE.lower()}/", f"/x/{TOKEN}", f"/lacak/{CODE}", "/lacak/x", "/laporan/x/"]
)
def test_a_code_or_token_in_an_unknown_path_is_redacted_too(path: str) -> None:
    assert logged_path(path) in {"/-/", "/lacak/-/", "/laporan/-/"}


@pytest.mark.parametrize(
    "path", ["/", "/lapor/", "/lacak/", "/laporan/", "/staf/laporan/", "/staf/laporan/massal/", "/staf/dasbor/"]
)
def test_paths_without_a_secret_are_logged_as_they_are(path: str) -> None:
    assert logged_path(path) == path


def test_the_log_format_holds_no_address_query_referer_or_raw_path() -> None:
    (log_format,) = re.findall(r"log_format\s+balai_private\s+((?:'[^']*'\s*)+);", site())
    variables = set(re.findall(r"\$\w+", log_format))

    assert "$balai_log_path" in variables
    assert variables <= {
        "$time_iso8601",
        "$request_method",
        "$balai_log_path",
        "$is_args",
        "$status",
        "$body_bytes_sent",
        "$request_time",
        "$upstream_response_time",
    }


def test_every_server_and_location_logs_through_the_private_format_or_not_at_all() -> None:
    servers = nginx_blocks(site(), "server")
    assert len(servers) == 2
    for server in servers:
        assert re.search(r"^\s*access_log\s+\S+\s+balai_private;", server, re.MULTILINE), server
    for directive in re.findall(r"access_log\s+[^;]*;", site()):
        assert directive == "access_log off;" or directive.endswith(" balai_private;"), directive


@pytest.fixture
def nginx_site() -> Iterator[tuple[int, Path]]:
    with shipped_nginx_site() as site:
        yield site


def test_a_real_nginx_logs_no_code_token_address_or_query(nginx_site: tuple[int, Path]) -> None:
    port, folder = nginx_site
    insecure = ssl.create_default_context()
    insecure.check_hostname = False
    insecure.verify_mode = ssl.CERT_NONE
    private_link = f"/lacak/{CODE}/{TOKEN}/"
    requests = [*PATHS, f"/lacak/?kode={CODE}", "/lac%61k/" + CODE + "/", "/laporan/"]
    for path in requests:
        request = urllib.request.Request(
            f"https://localhost:{port}{path}", headers={"Referer": f"https://localhost{private_link}"}
        )
        with urllib.request.urlopen(request, context=insecure) as response:  # noqa: S310 - a local test server
            assert response.status == 200

    log = (folder / "balai-access.log").read_text()
    lines = log.splitlines()

    assert len(lines) == len(requests)
    assert not any(secret.lower() in log.lower() for secret in SECRETS)
    assert "127.0.0.1" not in log
    assert '"GET /lacak/?" 200' in log
    assert '"GET /laporan/" 200' in log
    assert not (folder / "main-access.log").read_text()
