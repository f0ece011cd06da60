"""The preview's HTTP server: the built files, the toolbar's script, the status and its events.

Only ``GET`` and ``HEAD`` are answered (anything else: 405). What is served (see `paths`):

* ``/``: the original's html page, with ``<script src="/__openletter__/preview.js">`` added before
  ``</body>`` in the response only (the built file is what ``openletter build`` writes); before a
  first good build, a page that holds only the toolbar and the problems;
* ``/NAME``: a file of the last good build, with its format's media type (an html page gets the
  script too); ``/NAME?download`` sends it as an attachment, byte for byte;
* ``/__openletter__/preview.js``, ``/__openletter__/status`` (JSON) and
  ``/__openletter__/events`` (server-sent events: the status again after every build).

Every response says ``X-Content-Type-Options: nosniff`` and ``Cache-Control: no-store``. A server
bound to a loopback address answers only requests whose ``Host`` is a loopback name, so a web page
elsewhere cannot reach it through a name it controls (DNS rebinding).
"""

from __future__ import annotations

import errno
import html
import ipaddress
import json
import shutil
import socket
import socketserver
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..errors import OpenLetterError
from .builds import Builder
from .paths import PREFIX, Target, open_built, parse_target

__all__ = ["KEEP_ALIVE", "PreviewServer", "ServeError", "inject", "is_loopback"]

SCRIPT = Path(__file__).with_name("preview.js")
KEEP_ALIVE = 15.0
"""Seconds between the comments that keep an idle event stream open."""

_LOOPBACK_NAMES = {"localhost", "localhost."}


class ServeError(OpenLetterError):
    """The preview cannot start: the port is in use, the address cannot be listened on..."""


def is_loopback(host: str) -> bool:
    """Whether `host` (a name or an address, IPv6 in brackets or not) is this machine only."""
    host = host.strip().lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port: ``[::1]:8000`` gives ``[::1]``."""
    if header.startswith("["):
        return header.partition("]")[0] + "]"
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def inject(page: bytes, build: int | None, name: str) -> bytes:
    """`page` with the toolbar's script added before its last ``</body>`` (or at its end)."""
    number = "" if build is None else str(build)
    tag = (
        f'<script src="/{PREFIX}/preview.js" data-build="{number}" data-page="{html.escape(name)}" defer></script>\n'
    ).encode()
    at = page.lower().rfind(b"</body>")
    return page + tag if at < 0 else page[:at] + tag + page[at:]


def waiting_page(source: str, has_build: bool) -> bytes:
    """The page at ``/`` when there is no letter page to show: the toolbar and the overlay say why."""
    name = html.escape(source)
    if has_build:
        text = "The letter was built, but not as an html page: the toolbar links every file that was."
    else:
        text = "The letter has not been built yet: the problems listed stop it. Fix them and save; this page updates."
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>Preview of {name}</title>\n"
        "<style>body{font:1rem/1.5 system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}"
        "main{max-width:40rem;margin:0 auto;padding:1.5rem}</style>\n"
        f"</head>\n<body>\n<main>\n<h1>Preview of {name}</h1>\n<p>{text}</p>\n</main>\n</body>\n</html>\n"
    ).encode()


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server for one `Builder`; see the module."""

    daemon_threads = True  # an open event stream does not keep the program alive
    allow_reuse_port = False  # a port in use is an error, never shared

    def __init__(self, address: tuple[str, int], builder: Builder) -> None:
        host, port = address
        try:
            family, _, _, _, sockaddr = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        except (socket.gaierror, UnicodeError) as error:
            raise ServeError(
                f"cannot listen on {host!r}: {error}; give an address such as 127.0.0.1 with --host"
            ) from None
        self.address_family = family
        self.builder = builder
        self.loopback = is_loopback(host) or is_loopback(str(sockaddr[0]))
        try:
            super().__init__((str(sockaddr[0]), int(sockaddr[1])), _Handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"port {port} of {host} is in use (another preview or server?): choose another with --port N,"
                    " or --port 0 for any free port"
                ) from None
            if error.errno == errno.EACCES:
                raise ServeError(
                    f"not allowed to listen on port {port} of {host}: choose another with --port N (ports under 1024"
                    " need privileges), or --port 0 for any free port"
                ) from None
            raise ServeError(f"cannot listen on port {port} of {host}: {error.strerror or error}") from None

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # not HTTPServer's, which looks up the host's name
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    @property
    def url(self) -> str:
        host = self.server_name
        if self.address_family == socket.AF_INET6:
            host = f"[{host}]"
        return f"http://{host}:{self.server_port}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A reader that went away is no error; anything else is reported as socketserver does."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)

    def host_allowed(self, header: str | None) -> bool:
        return header is None or not self.loopback or is_loopback(_host_name(header))


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "openletter-preview"
    sys_version = ""
    protocol_version = "HTTP/1.0"  # one request per connection; an event stream lasts until closed

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows the builds, not every request."""

    def do_GET(self) -> None:
        self._respond(body=True)

    def do_HEAD(self) -> None:
        self._respond(body=False)

    def _refuse_method(self) -> None:
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED, b"only GET and HEAD\n", "text/plain; charset=utf-8", {"Allow": "GET, HEAD"}
        )

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse_method

    # ------------------------------------------------------------------ responses

    def _headers(self, status: int, content_type: str, length: int | None, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()

    def _send(
        self, status: int, data: bytes, content_type: str, extra: dict[str, str] | None = None, *, body: bool = True
    ) -> None:
        self._headers(status, content_type, len(data), extra)
        if body and self.command != "HEAD":
            self.wfile.write(data)

    def _not_found(self, body: bool) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", body=body)

    def _respond(self, body: bool) -> None:
        if not self.server.host_allowed(self.headers.get("Host")):
            self._send(HTTPStatus.FORBIDDEN, b"this preview answers to 127.0.0.1 and localhost only\n", "text/plain")
            return
        target = parse_target(self.path)
        if target is None:
            self._not_found(body)
        elif target.kind == "resource":
            self._resource(target.name, body)
        else:
            self._built(target, body)

    def _resource(self, name: str, body: bool) -> None:
        if name == "preview.js":
            self._send(HTTPStatus.OK, SCRIPT.read_bytes(), "text/javascript; charset=utf-8", body=body)
        elif name == "status":
            data = json.dumps(self.server.builder.status.as_json(), ensure_ascii=False).encode()
            self._send(HTTPStatus.OK, data, "application/json", body=body)
        else:
            self._events(body)

    def _built(self, target: Target, body: bool) -> None:
        builder = self.server.builder
        snapshot = builder.status.snapshot  # this request's build, whatever happens meanwhile
        if target.kind == "page":
            page = snapshot.page if snapshot is not None else None
            if snapshot is None or page is None:
                data = waiting_page(builder.given.name, snapshot is not None)
                number = snapshot.number if snapshot is not None else None
                self._send(HTTPStatus.OK, inject(data, number, ""), "text/html; charset=utf-8", body=body)
                return
            target = Target("file", page)
        served = snapshot.files.get(target.name) if snapshot is not None else None
        opened = open_built(snapshot.folder, target.name) if snapshot is not None and served is not None else None
        if snapshot is None or served is None or opened is None:
            self._not_found(body)
            return
        file, size = opened
        with file:
            if served.format == "html" and not target.download:
                data = inject(file.read(), snapshot.number, served.name)
                self._send(HTTPStatus.OK, data, served.media_type, body=body)
                return
            extra = {"Content-Disposition": _attachment(served.name)} if target.download else None
            self._headers(HTTPStatus.OK, served.media_type, size, extra)
            if body:
                shutil.copyfileobj(file, self.wfile)

    def _events(self, body: bool) -> None:
        builder = self.server.builder
        self._headers(HTTPStatus.OK, "text/event-stream; charset=utf-8", None)
        if not body:
            return
        self.wfile.write(b"retry: 1000\n\n")
        generation = -1
        while True:
            status = builder.wait(generation, KEEP_ALIVE)
            if builder.closed:
                break
            if status.generation != generation:
                generation = status.generation
                data = json.dumps(status.as_json(), ensure_ascii=False)
                self.wfile.write(f"event: status\ndata: {data}\n\n".encode())
            else:
                self.wfile.write(b": still here\n\n")
            self.wfile.flush()


def _attachment(name: str) -> str:
    """A ``Content-Disposition`` that downloads `name`, with its UTF-8 name for any character."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
