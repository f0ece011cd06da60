"""``openletter serve`` without a browser: what a request may reach, and the server over real HTTP.

Path resolution is tested on its own (`parse_target`, `open_built`), then through a running
preview on an ephemeral port of 127.0.0.1: every escape a request can try gets 404 and none of
the outside file; each built file comes with its format's media type and the build's bytes; the
page is the built page plus one script tag. Editing the letter builds it again (seen in the page,
the status and the event stream), a broken letter keeps the last good build and reports
``FILE:LINE: field: message``, and the command itself starts on ``--port 0``, refuses a port in
use and stops on Ctrl-C. The browser tests are in tests/test_serve_browser.py.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

import openletter
from openletter.cli import EXIT_LETTER, EXIT_USAGE, main
from openletter.serve import Preview, ServeError, WatchfilesMissing
from openletter.serve.builds import Builder
from openletter.serve.paths import PREFIX, Target, open_built, parse_target
from openletter.serve.server import inject, is_loopback

from .conftest import DATA, EXAMPLE, ROOT

pytest.importorskip("watchfiles")  # in the test extra; the message for a missing one is tested below

MINI = """---
title: Save the river
language: en
date: 2024-05-01
logo:
  file: logo.png
  alt: River Trust
signatories:
- people: people/signed.csv
---

Dear Council,

We ask you to protect the river.
"""
CSV = "name,country\nAna Silva,Portugal\nKofi Mensah,Ghana\n"


def write_letter(folder: Path, text: str = MINI) -> Path:
    """A small letter that reads a CSV file (in a subfolder) and a logo: `folder`/letter.md."""
    (folder / "people").mkdir(parents=True, exist_ok=True)
    (folder / "people" / "signed.csv").write_text(CSV, encoding="utf-8")
    shutil.copyfile(DATA / "logo.png", folder / "logo.png")
    source = folder / "letter.md"
    source.write_text(text, encoding="utf-8")
    return source


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, what: str = "the condition") -> Any:
    """Poll `condition` until it gives something true; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > end:
            pytest.fail(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)


def fetch(url: str, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """Send `path` exactly as given (no normalisation) to the server at `url`; the response, read."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def body(url: str, path: str) -> bytes:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    assert response.status == 200, f"{path}: {response.status}"
    data = response.read()
    connection.close()
    return data


def status(preview: Preview) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(body(preview.url, f"/{PREFIX}/status"))
    return loaded


@contextlib.contextmanager
def running(source: Path, **options: Any) -> Iterator[Preview]:
    """A preview of `source` on a free port, watching and serving until the block ends."""
    with Preview(source, port=0, **options) as preview:
        preview.watch(debounce_ms=100)
        preview.serve_in_thread()
        yield preview


# --------------------------------------------------------------------------- what a request asks for


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/", Target("page")),
        ("/letter.pdf", Target("file", "letter.pdf")),
        ("/letter.km.html", Target("file", "letter.km.html")),
        ("/letter.pdf?download", Target("file", "letter.pdf", download=True)),
        ("/letter.pdf?download=1&x=2", Target("file", "letter.pdf", download=True)),
        ("/letter%20one.json", Target("file", "letter one.json")),
        ("/%D0%BF%D0%B8%D1%81%D1%8C%D0%BC%D0%BE.html", Target("file", "письмо.html")),
        (f"/{PREFIX}/preview.js", Target("resource", "preview.js")),
        (f"/{PREFIX}/status", Target("resource", "status")),
        (f"/{PREFIX}/events", Target("resource", "events")),
    ],
)
def test_a_request_target_names_the_page_a_built_file_or_a_preview_resource(raw: str, expected: Target) -> None:
    assert parse_target(raw) == expected


ESCAPES = [
    "/..",
    "/../letter.md",
    "/../../../../etc/passwd",
    "/%2e%2e",
    "/%2E%2E/etc/passwd",
    "/%2e%2e%2fetc%2fpasswd",
    "/..%2f..%2fetc%2fpasswd",
    "/%2fetc%2fpasswd",
    "/etc/passwd",
    "//etc/passwd",
    "/build-1/letter.json",
    "/./letter.json",
    "/letter.json/",
    "/letter.json/..",
    "/..\\..\\etc\\passwd",
    "/%5c..%5cetc%5cpasswd",
    "/letter.json%00.html",
    "/letter.json%0a",
    "/%ff%fe.json",
    "/.hidden",
    "/%2e",
    f"/{PREFIX}",
    f"/{PREFIX}/",
    f"/{PREFIX}/../letter.json",
    f"/{PREFIX}/%2e%2e%2fletter.json",
    f"/{PREFIX}/preview.js/x",
    f"/{PREFIX}/builds",
    "letter.json",
    "http://example.org/letter.json",
    "*",
    "",
]


@pytest.mark.parametrize("raw", ESCAPES)
def test_a_path_that_is_not_one_plain_name_is_no_target(raw: str) -> None:
    assert parse_target(raw) is None


@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_any_file_target_is_one_plain_name_inside_the_build(raw: str) -> None:
    target = parse_target("/" + raw)
    if target is not None and target.kind == "file":
        name = target.name
        assert "/" not in name and "\\" not in name and "\x00" not in name
        assert name not in (".", "..") and not name.startswith(".")
        assert Path(name).name == name


def test_open_built_opens_a_regular_file_directly_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "letter.json").write_bytes(b"{}")
    opened = open_built(tmp_path, "letter.json")
    assert opened is not None
    file, size = opened
    with file:
        assert file.read() == b"{}" and size == 2


@pytest.mark.parametrize("link_to", ["outside", "inside", "folder"])
def test_open_built_refuses_links_and_folders(tmp_path: Path, link_to: str) -> None:
    build = tmp_path / "build"
    build.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    (build / "letter.json").write_text("{}", encoding="utf-8")
    if link_to == "outside":
        (build / "letter.md").symlink_to(secret)
    elif link_to == "inside":
        (build / "letter.md").symlink_to(build / "letter.json")
    else:
        (build / "letter.md").mkdir()
    assert not opens(build, "letter.md")
    assert not opens(build, "../secret.txt")
    assert not opens(build, str(secret))


def opens(folder: Path, name: str) -> bool:
    opened = open_built(folder, name)
    if opened is not None:
        opened[0].close()
    return opened is not None


def test_a_link_inside_a_linked_build_folder_is_refused(tmp_path: Path) -> None:
    """A name whose real path is not directly inside the folder (the folder itself was swapped for
    a link) is refused."""
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "letter.json").write_text("{}", encoding="utf-8")
    assert opens(tmp_path / "elsewhere", "letter.json")
    (tmp_path / "build").symlink_to(real)
    # Its files are reached through the link: the real path is the one that must be inside.
    assert opens(tmp_path / "build", "letter.json")
    (real / "other.json").symlink_to(tmp_path / "elsewhere" / "letter.json")
    assert not opens(tmp_path / "build", "other.json")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("::", False),
        ("example.org", False),
        ("localhost.example.org", False),
    ],
)
def test_loopback_hosts_are_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (b"<html><body><p>x</p></body></html>", b"<html><body><p>x</p>{tag}</body></html>"),
        (b"<p>&lt;/body&gt;</p></BODY>", b"<p>&lt;/body&gt;</p>{tag}</BODY>"),
        (b"<p>no end tag</p>", b"<p>no end tag</p>{tag}"),
    ],
)
def test_the_script_goes_before_the_last_end_of_body(page: bytes, expected: bytes) -> None:
    tag = f'<script src="/{PREFIX}/preview.js" data-build="3" data-page="a&amp;b.html" defer></script>\n'.encode()
    assert inject(page, 3, "a&b.html") == expected.replace(b"{tag}", tag)


@pytest.mark.parametrize(
    ("name", "relevant"),
    [
        ("letter.md", True),
        ("letter.km.md", True),
        ("letter.pt-BR.md", True),
        ("people/signed.csv", True),
        ("logo.png", True),
        ("theme/style.css", True),
        ("theme/letter.html.j2", True),
        ("README.md", False),
        ("letter.md~", False),
        (".letter.md.swp", False),
        ("letter.html", False),
        ("people/other.csv", False),
        ("letter.km.yaml", False),
    ],
)
def test_the_builder_watches_the_letter_its_translations_files_and_theme(
    tmp_path: Path, name: str, relevant: bool
) -> None:
    source = write_letter(tmp_path)
    (tmp_path / "theme").mkdir()
    builder = Builder(source, tmp_path / "builds", theme=tmp_path / "theme", registry=openletter.default_registry())
    builder.build()
    try:
        assert builder.relevant(tmp_path / name) is relevant
        assert builder.folders() == {tmp_path, tmp_path / "people", tmp_path / "theme"}
    finally:
        builder.close()


# --------------------------------------------------------------------------- over HTTP


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Preview, Path]]:
    """A preview of the example letter (not edited), and `openletter build`'s output of it."""
    folder = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE.parent, folder / "letter")
    source = folder / "letter" / "letter.md"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENLETTER_DISABLE_PLUGIN_AUTOLOAD", "1")
        patch.setattr(openletter.plugins, "_default", None)
        built = folder / "built"
        openletter.build(source, output=built)
        with running(source) as preview:
            yield preview, built


def test_the_page_is_the_built_page_with_the_toolbar_script_added(example: tuple[Preview, Path]) -> None:
    preview, built = example
    page = body(preview.url, "/")
    assert page == inject((built / "letter.html").read_bytes(), 1, "letter.html")
    assert page.count(b"/__openletter__/preview.js") == 1
    assert body(preview.url, "/letter.html") == page


def test_every_built_file_is_served_with_its_media_type_and_the_builds_bytes(example: tuple[Preview, Path]) -> None:
    preview, built = example
    registry = openletter.default_registry()
    files = status(preview)["files"]
    assert sorted(f["name"] for f in files) == sorted(p.name for p in built.iterdir())
    for file in files:
        response = fetch(preview.url, f"/{quote(file['name'])}?download")
        assert response.status == 200
        assert response.headers["Content-Type"] == registry.format(file["format"]).exporter.media_type
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{file["name"]}"')
        assert body(preview.url, f"/{quote(file['name'])}?download") == (built / file["name"]).read_bytes()


def test_a_file_without_download_is_shown_not_downloaded(example: tuple[Preview, Path]) -> None:
    preview, built = example
    response = fetch(preview.url, "/letter.json")
    assert response.status == 200 and "Content-Disposition" not in response.headers
    assert body(preview.url, "/letter.json") == (built / "letter.json").read_bytes()


def test_the_preview_resources_have_their_media_types(example: tuple[Preview, Path]) -> None:
    preview, _ = example
    script = fetch(preview.url, f"/{PREFIX}/preview.js")
    assert script.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert fetch(preview.url, f"/{PREFIX}/status").headers["Content-Type"] == "application/json"
    for response in (script, fetch(preview.url, "/")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"


# Encoded twice, decoded once: a plain name ('%2e%2e%2fetc%2fpasswd') that no build writes.
ENCODED_TWICE = "/%252e%252e%252fetc%252fpasswd"


@pytest.mark.parametrize("raw", [*(e for e in ESCAPES if e.startswith("/")), ENCODED_TWICE])
def test_no_request_reaches_outside_the_build(example: tuple[Preview, Path], raw: str) -> None:
    preview, _ = example
    response = fetch(preview.url, raw)
    assert response.status == 404


def test_no_absolute_path_is_served(example: tuple[Preview, Path]) -> None:
    preview, _ = example
    snapshot = preview.builder.status.snapshot
    assert snapshot is not None
    for path in (snapshot.folder / "letter.json", preview.builder.source, Path("/etc/passwd")):
        assert fetch(preview.url, quote(str(path))).status == 404
        assert fetch(preview.url, "/" + quote(str(path), safe="")).status == 404


def raw_request(url: str, line: bytes) -> bytes:
    """Send one raw request line (bytes http.client would refuse) and return the whole answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=10) as connection:
        connection.sendall(line + b"\r\nHost: 127.0.0.1\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize(
    "line",
    [b"GET /letter.json\x00 HTTP/1.0", b"GET /..\\letter.json HTTP/1.0", b"GET /\xff.json HTTP/1.0"],
)
def test_raw_bytes_in_the_path_get_no_file(example: tuple[Preview, Path], line: bytes) -> None:
    preview, _ = example
    answer = raw_request(preview.url, line)
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] in (b"400", b"404")


def test_a_link_out_of_the_build_folder_is_not_followed(example: tuple[Preview, Path], tmp_path: Path) -> None:
    preview, _ = example
    snapshot = preview.builder.status.snapshot
    assert snapshot is not None
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve", encoding="utf-8")
    target = snapshot.folder / "letter.mailto.txt"
    kept = target.read_bytes()
    target.unlink()
    target.symlink_to(secret)
    try:
        assert fetch(preview.url, "/letter.mailto.txt").status == 404
        assert fetch(preview.url, "/letter.mailto.txt?download").status == 404
    finally:
        target.unlink()
        target.write_bytes(kept)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_only_get_and_head_are_answered(example: tuple[Preview, Path], method: str) -> None:
    preview, _ = example
    response = fetch(preview.url, "/letter.json", method=method)
    assert response.status == 405 and response.headers["Allow"] == "GET, HEAD"


def test_head_gives_the_headers_of_get_and_no_body(example: tuple[Preview, Path]) -> None:
    preview, built = example
    parts = urlsplit(preview.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("HEAD", "/letter.json?download")
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b""
    assert int(response.headers["Content-Length"]) == (built / "letter.json").stat().st_size
    connection.close()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "192.168.1.20"])
def test_a_request_for_another_host_name_is_refused(example: tuple[Preview, Path], host: str) -> None:
    """A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) reads nothing."""
    preview, _ = example
    for path in ("/", "/letter.json", f"/{PREFIX}/status"):
        assert fetch(preview.url, path, headers={"Host": host}).status == 403


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1:1234", "[::1]:8000"])
def test_loopback_host_names_are_answered(example: tuple[Preview, Path], host: str) -> None:
    preview, _ = example
    assert fetch(preview.url, "/", headers={"Host": host}).status == 200


# --------------------------------------------------------------------------- building again


def read_event(
    response: http.client.HTTPResponse, until: Callable[[dict[str, Any]], bool] | None = None
) -> dict[str, Any]:
    """The next ``status`` event of an event stream (the next one for which `until` is true)."""
    event = None
    while True:
        line = response.fp.readline().decode()
        if not line:
            raise AssertionError("the event stream ended")
        if line.startswith("event: "):
            event = line[7:].strip()
        elif line.startswith("data: ") and event == "status":
            loaded: dict[str, Any] = json.loads(line[6:])
            if until is None or until(loaded):
                return loaded


def test_saving_the_letter_builds_it_again_and_a_broken_one_keeps_the_last_good_build(tmp_path: Path) -> None:
    source = write_letter(tmp_path)
    with running(source) as preview:
        parts = urlsplit(preview.url)
        stream = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        stream.request("GET", f"/{PREFIX}/events")
        events = stream.getresponse()
        assert events.headers["Content-Type"] == "text/event-stream; charset=utf-8"
        first = read_event(events)
        assert first["build"] == 1 and first["errors"] == []
        assert b"protect the river" in body(preview.url, "/")

        source.write_text(MINI.replace("protect the river", "clean the river"), encoding="utf-8")
        second = read_event(events, lambda e: e["build"] != first["build"])
        assert second["errors"] == []
        assert b"clean the river" in body(preview.url, "/")

        source.write_text(MINI.replace("protect the river", "clean the river").replace("05-01", "13-01"))
        broken = read_event(events, lambda e: e["errors"] != [])
        assert broken["build"] == second["build"]  # still the last good one
        (error,) = broken["errors"]
        assert error["text"].startswith(f"{source}:4: date: ")
        assert (error["file"], error["line"], error["field"]) == (str(source), 4, "date")
        assert status(preview)["errors"] == broken["errors"]
        assert b"clean the river" in body(preview.url, "/")

        source.write_text(MINI.replace("protect the river", "save the river"), encoding="utf-8")
        fixed = read_event(events, lambda e: e["build"] != second["build"])
        assert fixed["errors"] == []
        assert b"save the river" in body(preview.url, "/")
        stream.close()


@pytest.mark.parametrize(
    ("change", "seen"),
    [
        (lambda folder: (folder / "people" / "signed.csv").write_text(CSV + "Lin Wei,Singapore\n"), b"Lin Wei"),
        (lambda folder: (folder / "theme" / "style.css").write_text("p { color: #123456 }"), b"#123456"),
        (
            lambda folder: main(["new", "--translation", "fr", str(folder / "letter.md")]),
            b'hreflang="fr"',
        ),
    ],
    ids=["csv", "theme", "translation"],
)
def test_saving_a_file_the_letter_reads_builds_it_again(
    tmp_path: Path, change: Callable[[Path], object], seen: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_letter(tmp_path)
    (tmp_path / "theme").mkdir()
    (tmp_path / "theme" / "style.css").write_text("p { color: #000 }", encoding="utf-8")
    with running(source, theme=tmp_path / "theme") as preview:
        assert seen not in body(preview.url, "/")
        change(tmp_path)
        wait_for(lambda: seen in body(preview.url, "/"), what="the new build")
        assert status(preview)["errors"] == []


def test_a_problem_in_a_csv_file_is_located_in_it_and_watched(tmp_path: Path) -> None:
    source = write_letter(tmp_path)
    with running(source) as preview:
        csv = tmp_path / "people" / "signed.csv"
        csv.write_text("name,colour\nAna Silva,blue\n", encoding="utf-8")
        errors = wait_for(lambda: status(preview)["errors"], what="the problem in the CSV file")
        assert any(e["file"] == str(csv) and e["line"] == 1 for e in errors), errors
        csv.write_text(CSV, encoding="utf-8")
        wait_for(lambda: not status(preview)["errors"], what="the fixed build")


def test_a_first_build_that_fails_serves_a_page_of_problems_then_the_letter(tmp_path: Path) -> None:
    source = write_letter(tmp_path, MINI.replace("2024-05-01", "2024-05-41"))
    with running(source) as preview:
        state = status(preview)
        assert state["build"] is None and state["files"] == []
        assert state["errors"][0]["text"].startswith(f"{source}:4: date: ")
        page = body(preview.url, "/")
        assert b"not been built yet" in page and b'data-build=""' in page
        assert fetch(preview.url, "/letter.html").status == 404
        source.write_text(MINI, encoding="utf-8")
        wait_for(lambda: b"protect the river" in body(preview.url, "/"), what="the first good build")


def test_a_build_swaps_in_a_new_folder_and_removes_the_older_ones(tmp_path: Path) -> None:
    source = write_letter(tmp_path)
    with Preview(source, port=0) as preview:
        folders = []
        for number in range(4):
            source.write_text(MINI.replace("the river", f"river {number}"), encoding="utf-8")
            snapshot = preview.builder.build().snapshot
            assert snapshot is not None
            folders.append(snapshot.folder)
        assert len(set(folders)) == 4
        assert [folder.exists() for folder in folders] == [False, False, True, True]
        root = folders[0].parent
        assert root.stat().st_mode & 0o077 == 0  # private to the user
    assert not root.exists()


# --------------------------------------------------------------------------- the command


def test_a_port_in_use_is_refused_with_a_suggestion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_letter(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError, match="--port"):
            Preview(source, port=port)
        assert main(["serve", str(source), "--port", str(port)]) == EXIT_USAGE
    error = capsys.readouterr().err
    assert f"port {port} of 127.0.0.1 is in use" in error and "--port" in error and "Traceback" not in error


@pytest.mark.parametrize("port", ["-1", "65536"])
def test_a_port_out_of_range_is_a_usage_error(tmp_path: Path, port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(write_letter(tmp_path)), "--port", port]) == EXIT_USAGE
    assert "from 0 to 65535" in capsys.readouterr().err


def test_a_missing_letter_is_reported_as_build_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", str(tmp_path / "nothing.md"), "--port", "0"]) == EXIT_LETTER
    assert "cannot read the letter" in capsys.readouterr().err


def test_without_watchfiles_the_command_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import watchfiles raises ImportError
    with pytest.raises(WatchfilesMissing):
        Preview(write_letter(tmp_path), port=0)
    assert main(["serve", str(tmp_path / "letter.md"), "--port", "0"]) == EXIT_USAGE
    error = capsys.readouterr().err
    assert "python -m pip install watchfiles" in error and "Traceback" not in error


def start_command(*args: str, cwd: Path) -> tuple[subprocess.Popen[str], str, str]:
    """Run ``openletter serve`` in a process of its own; return it, the URL it prints and what it
    printed up to there."""
    env = {**os.environ, "OPENLETTER_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "openletter", "serve", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    printed = ""
    for line in process.stdout:
        printed += line
        if line.startswith("Previewing "):
            return process, line.split(" at ", 1)[1].split(" ", 1)[0], printed
    process.kill()
    pytest.fail(f"openletter serve did not start: {process.communicate()}")


def test_port_zero_prints_the_real_url_and_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    write_letter(tmp_path)
    process, url, printed = start_command("letter.md", "--port", "0", cwd=tmp_path)
    try:
        port = urlsplit(url).port
        assert url.startswith("http://127.0.0.1:") and port and port != 0
        assert b"protect the river" in body(url, "/")
        events = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # an open stream does not stop it
        events.request("GET", f"/{PREFIX}/events")
        read_event(events.getresponse())
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err and err == ""
    assert re.search(r"^letter\.md: built \d+ files$", printed, re.MULTILINE), printed


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminate"])
def test_stopping_the_preview_removes_its_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: int) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    write_letter(tmp_path)
    process, _, _ = start_command("letter.md", "--port", "0", cwd=tmp_path)
    try:
        assert list(temporary.iterdir())  # the private folder of the builds
        process.send_signal(stop)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "stopped" in out and err == ""
    assert list(temporary.iterdir()) == []


def test_a_host_that_is_not_loopback_is_warned_about(tmp_path: Path) -> None:
    write_letter(tmp_path)
    process, url, _ = start_command("letter.md", "--port", "0", "--host", "0.0.0.0", cwd=tmp_path)
    try:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert "warning: --host 0.0.0.0 lets other machines on the network see the preview" in err
    assert url.startswith("http://0.0.0.0:")
