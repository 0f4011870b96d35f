"""The HTTP client under every remote call: timeouts, retries, logins and clear errors.

Built on the standard library's urllib, which SPARQLWrapper also uses, with a private opener
per client (never ``install_opener``: one client's login never leaks into another's
requests). What it adds:

- a *connect* timeout and a separate *read* timeout (the longest wait for the next bytes of
  an answer; a slow query keeps the connection busy, not silent);
- retries with exponential back-off for reads only (queries, downloads): on a refused or
  dropped connection, a timeout, or a 429/502/503/504 answer (honouring ``Retry-After``).
  Writes are never retried, so nothing is ever applied twice;
- logins by HTTP Basic or Digest, whichever the server asks for;
- errors that say what went wrong, where, and what to do (:class:`EndpointUnreachable`,
  :class:`LoginRefused`, :class:`EndpointError` for a wrong answer such as an HTML page
  where SPARQL results were expected), never a traceback from inside urllib.
"""

from __future__ import annotations

import html
import http.client
import logging
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from backcare_kg.errors import EndpointError, EndpointUnreachable, LoginRefused, QueryError
from backcare_kg.remote.credentials import Credentials
from backcare_kg.version import __version__

__all__ = ["HttpClient", "Response", "Timeouts", "USER_AGENT"]

log = logging.getLogger(__name__)

USER_AGENT = f"backcare-kg/{__version__}"
_RETRY_STATUSES = {429, 502, 503, 504}
_MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait to connect, and for the next bytes of an answer."""

    connect: float = 10.0
    read: float = 300.0


@dataclass
class Response:
    """A whole HTTP answer: status, headers and body."""

    status: int
    headers: Message
    body: bytes
    url: str

    @property
    def media_type(self) -> str:
        """The media type of the body, lower case, without parameters ("" if none)."""
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body decoded with its charset (UTF-8 unless it says otherwise)."""
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class HttpClient:
    """Sends requests to one store, with ``credentials`` (if any) offered when asked."""

    credentials: Credentials | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    retries: int = 3
    backoff: float = 0.5
    _opener: urllib.request.OpenerDirector = field(init=False, repr=False)

    def __post_init__(self) -> None:
        handlers: list[Any] = [_Http(self.timeouts.read), _Https(self.timeouts.read)]
        if self.credentials is not None:
            passwords = _Passwords(self.credentials)
            handlers += [urllib.request.HTTPBasicAuthHandler(passwords),
                         urllib.request.HTTPDigestAuthHandler(passwords)]
        self._opener = urllib.request.build_opener(*handlers)

    def send(self, request: urllib.request.Request, *, read: bool, what: str,
             query: bool = False) -> Response:
        """Send ``request`` and read the whole answer; ``what`` names it in errors ("the
        query", "the upload of batch 3").

        ``read`` requests (queries, downloads) are retried on failures that may pass; others
        are sent once. ``query`` marks a SPARQL query. Raises :class:`EndpointUnreachable`
        when no connection is made, :class:`LoginRefused` on 401 or 403,
        :class:`QueryError` when the store refuses a query (400), and
        :class:`EndpointError` for any other failure.
        """
        request.add_header("User-Agent", USER_AGENT)
        attempts = 1 + (self.retries if read else 0)
        for attempt in range(1, attempts + 1):
            try:
                return self._send_once(request, what, query)
            except _Retryable as err:
                if attempt == attempts:
                    raise err.error from None
                delay = err.retry_after if err.retry_after is not None else (
                    self.backoff * 2 ** (attempt - 1))
                log.warning("%s; retrying in %.1f s (attempt %d of %d)", err.error, delay,
                            attempt + 1, attempts)
                time.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _send_once(self, request: urllib.request.Request, what: str,
                   query: bool) -> Response:
        url = request.full_url
        where = _redact(url)
        try:
            with self._opener.open(request, timeout=self.timeouts.connect) as answer:
                body = answer.read()
                return Response(answer.status, answer.headers, body, url)
        except urllib.error.HTTPError as err:
            body = _read_error_body(err)
            response = Response(err.code, err.headers or Message(), body, url)
            raise _status_error(response, what, query, self.credentials) from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                message = (f"{what}: no connection to {where} within "
                           f"{self.timeouts.connect:g} s (connect timeout)")
            else:
                message = f"{what}: cannot reach {where}: {_reason(reason)}"
            raise _Retryable(EndpointUnreachable(message, url)) from None
        except ValueError as err:  # urllib: a login scheme it lacks, or a bad URL
            if "AuthHandler" in str(err):
                raise LoginRefused(f"{what}: {where} asks for a login this client cannot "
                                   f"give: {err}", url) from None
            raise EndpointError(f"{what}: cannot send to {where}: {err}", url) from None
        except TimeoutError:
            message = (f"{what}: {where} sent nothing for {self.timeouts.read:g} s "
                       f"(read timeout; raise it with --read-timeout)")
            raise _Retryable(EndpointError(message, url)) from None
        except (ConnectionError, http.client.HTTPException, OSError) as err:
            message = f"{what}: the connection to {where} failed: {_reason(err)}"
            raise _Retryable(EndpointUnreachable(message, url)) from None


class _Passwords(urllib.request.HTTPPasswordMgr):
    """The client's one login, for whatever realm and URL of its store ask for it."""

    def __init__(self, credentials: Credentials) -> None:
        super().__init__()
        self._credentials = credentials

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str, str]:
        return self._credentials.user, self._credentials.password


class _Retryable(Exception):
    """A failure that may pass: retried for reads, else its ``error`` is raised."""

    def __init__(self, error: EndpointError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _status_error(response: Response, what: str, query: bool,
                  credentials: Credentials | None) -> Exception:
    url, status = response.url, response.status
    where = _redact(url)
    detail = describe_body(response)
    if status == 401 or (status == 403 and credentials is not None):
        if credentials is None:
            return LoginRefused(
                f"{what}: {where} asks for a login ({status}): give --user NAME (or auth= "
                f"in Python), or set BACKCARE_KG_USER and BACKCARE_KG_PASSWORD, or add a "
                f"netrc entry for its host", url, status)
        return LoginRefused(
            f"{what}: {where} refused the login of {credentials} ({status}): check the user "
            f"name and password", url, status)
    if status == 400 and query:
        return QueryError(f"{where} refused the query ({status}): {detail}")
    error = EndpointError(f"{what}: {where} answered {status} "
                          f"{http.client.responses.get(status, '')}".rstrip()
                          + (f": {detail}" if detail else ""), url, status)
    if status in _RETRY_STATUSES:
        return _Retryable(error, _retry_after(response.headers))
    return error


def describe_body(response: Response, limit: int = 300) -> str:
    """A short, readable account of an answer's body (an error message, a page's title)."""
    text = response.text().strip()
    if not text:
        return ""
    if response.media_type in ("text/html", "application/xhtml+xml") or text.startswith("<"):
        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.I | re.S)
        stripped = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", text,
                          flags=re.I | re.S)
        text = html.unescape(" ".join(stripped.split()))
        if title and title.group(1).strip() and not text.startswith(title.group(1).strip()):
            text = f"{html.unescape(title.group(1).strip())}: {text}"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _retry_after(headers: Message | Mapping[str, str]) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return min(float(value), _MAX_RETRY_AFTER) if value is not None else None
    except ValueError:
        return None


def _read_error_body(err: urllib.error.HTTPError) -> bytes:
    try:
        return err.read()
    except (OSError, http.client.HTTPException):
        return b""


def _reason(reason: object) -> str:
    if isinstance(reason, socket.gaierror):
        return "unknown host name"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the store running, and on this port?)"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__


def _redact(url: str) -> str:
    """``url`` without a password written into it (``http://user:pw@host``)."""
    return re.sub(r"//([^/@:]+):[^/@]*@", r"//\1:***@", url)


class _ReadTimeout:
    """Connects within the request's timeout, then waits ``read_timeout`` for answers."""

    sock: socket.socket

    def __init__(self, *args: Any, read_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timeout = read_timeout

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.sock.settimeout(self._read_timeout)


class _ReadTimeoutConnection(_ReadTimeout, http.client.HTTPConnection):
    pass


class _ReadTimeoutTLSConnection(_ReadTimeout, http.client.HTTPSConnection):
    pass


class _Http(urllib.request.HTTPHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._read_timeout = read_timeout

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_ReadTimeoutConnection, req,  # type: ignore[arg-type]
                            read_timeout=self._read_timeout)


class _Https(urllib.request.HTTPSHandler):
    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self._read_timeout = read_timeout

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_ReadTimeoutTLSConnection, req,  # type: ignore[arg-type]
                            context=getattr(self, "_context", None),
                            read_timeout=self._read_timeout)
