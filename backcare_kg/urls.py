"""Checking the http(s) URLs a user gives (remote stores' endpoints, a site's base URL)."""

from __future__ import annotations

from urllib.parse import urlsplit

from backcare_kg.errors import ParameterError


def check_url(value: str | None, parameter: str, *, htaccess: bool = False) -> str | None:
    """``value`` if it is an absolute http:// or https:// URL (None stays None); raises
    :class:`ParameterError` naming ``parameter`` otherwise.

    With ``htaccess`` the URL goes into a web server's configuration: it is stripped of
    surrounding white space and may hold no query, fragment, white space, quote, backslash,
    ``$`` or ``%``.
    """
    if value is None:
        return None
    text = value.strip() if htaccess and isinstance(value, str) else value
    parts = urlsplit(text) if isinstance(text, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParameterError(f"expected an http:// or https:// URL, not {value!r}", parameter)
    if not htaccess:
        return value
    if parts.query or parts.fragment:
        raise ParameterError(f"expected a URL without ?query or #fragment, not {value!r}",
                             parameter)
    if any(c.isspace() or c in "\"'<>\\$%" for c in text):
        raise ParameterError(f"the URL {value!r} holds a space, a quote, a backslash, $ or % "
                             "(which the .htaccess files cannot hold)", parameter)
    return text
