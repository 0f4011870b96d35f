"""Credentials for a remote store: given, from the environment, or from a netrc file.

A password is never printed, logged or put in an error message: :class:`Credentials` hides
it from ``repr`` and ``str``.

Where a login comes from, first found wins:

1. the ``auth`` given to :meth:`~backcare_kg.KnowledgeGraph.connect` (``(user, password)``
   or :class:`Credentials`), or ``--user NAME`` on the command line (its password from the
   next sources, else asked for on a terminal);
2. the environment variables ``BACKCARE_KG_USER`` and ``BACKCARE_KG_PASSWORD``;
3. a netrc file (``$NETRC``, else ``~/.netrc``) with a ``machine`` entry for the endpoint's
   host (or a ``default`` entry), as curl and requests read it.
"""

from __future__ import annotations

import netrc
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from backcare_kg.errors import ParameterError

__all__ = ["Credentials", "find_credentials", "USER_VARIABLE", "PASSWORD_VARIABLE"]

USER_VARIABLE = "BACKCARE_KG_USER"
PASSWORD_VARIABLE = "BACKCARE_KG_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A user name and password for HTTP Basic or Digest authentication (the server's
    challenge decides which). ``source`` says where they came from, for messages."""

    user: str
    password: str = field(repr=False)
    source: str = "given"

    def __str__(self) -> str:
        return f"{self.user!r} (from {self.source})"


def find_credentials(url: str, auth: Credentials | tuple[str, str] | None = None,
                     user: str | None = None) -> Credentials | None:
    """The login to use for ``url``, or None when there is none.

    ``auth`` wins when given. ``user`` (the command line's ``--user``) takes its password
    from ``BACKCARE_KG_PASSWORD`` or a netrc entry with that login; it is None when neither
    has one (the caller may then ask for it). Raises :class:`ParameterError` for a
    malformed ``auth`` or netrc file (naming the file and line).
    """
    if auth is not None:
        return _given(auth)
    env_user = os.environ.get(USER_VARIABLE)
    env_password = os.environ.get(PASSWORD_VARIABLE)
    entry = _netrc_entry(url)
    if user is not None:
        if env_password is not None and env_user in (None, user):
            return Credentials(user, env_password, f"${PASSWORD_VARIABLE}")
        if entry is not None and entry.user == user:
            return entry
        return None
    if env_user is not None:
        if env_password is None:
            raise ParameterError(f"${USER_VARIABLE} is set but ${PASSWORD_VARIABLE} is not",
                                 "auth")
        return Credentials(env_user, env_password, f"${USER_VARIABLE}")
    return entry


def _given(auth: Credentials | tuple[str, str]) -> Credentials:
    if isinstance(auth, Credentials):
        return auth
    if (isinstance(auth, tuple) and len(auth) == 2
            and all(isinstance(x, str) for x in auth)):
        return Credentials(auth[0], auth[1])
    raise ParameterError("give (user, password) as two strings, or a Credentials", "auth")


def _netrc_entry(url: str) -> Credentials | None:
    path = Path(os.environ["NETRC"]) if os.environ.get("NETRC") else Path.home() / ".netrc"
    if not path.is_file():
        return None
    try:
        found = netrc.netrc(str(path)).authenticators(urlsplit(url).hostname or "")
    except netrc.NetrcParseError as err:
        where = f"{err.filename}:{err.lineno}" if err.lineno else str(path)
        raise ParameterError(f"{where}: cannot read the netrc file: {err.msg}",
                             "auth") from None
    except OSError as err:
        raise ParameterError(f"{path}: cannot read the netrc file: {err.strerror}",
                             "auth") from None
    if found is None:
        return None
    login, _account, password = found
    if not login or password is None:
        return None
    return Credentials(login, password, f"netrc {path}")
