"""The command line's remote store options (see :mod:`backcare_kg.remote`).

``--endpoint URL`` (before or after the subcommand) sends every query, named query and
export to that store instead of the bundled data; ``push --endpoint URL
--update-endpoint URL [--store-endpoint URL]`` (:mod:`.push`) loads the graph into it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING, Any

from backcare_kg.errors import ParameterError

if TYPE_CHECKING:
    from backcare_kg.remote import Credentials, Endpoints, Timeouts

_OPTIONS = ("endpoint", "update_endpoint", "store_endpoint", "user", "connect_timeout",
            "read_timeout")


def remote_options(parser: argparse.ArgumentParser, suffix: str) -> None:
    """The remote options, accepted before or after the subcommand (see the CLI's
    ``_global_options``: after it they land in ``*_sub`` attributes)."""
    default: Any = argparse.SUPPRESS if suffix else None
    parser.add_argument("--endpoint", dest="endpoint" + suffix, metavar="QUERY_URL",
                        default=default,
                        help="ask the graph in this remote SPARQL store instead of the "
                             "bundled data (push: the store to load)")
    parser.add_argument("--update-endpoint", dest="update_endpoint" + suffix, metavar="URL",
                        default=default, help="the store's SPARQL Update URL (for push)")
    parser.add_argument("--store-endpoint", dest="store_endpoint" + suffix, metavar="URL",
                        default=default,
                        help="the store's Graph Store Protocol URL (for push: faster uploads)")
    parser.add_argument("--user", dest="user" + suffix, metavar="NAME", default=default,
                        help="log in to the store as NAME (password from "
                             "$BACKCARE_KG_PASSWORD, a netrc file, or asked for)")
    parser.add_argument("--connect-timeout", dest="connect_timeout" + suffix, type=float,
                        metavar="SECONDS", default=default,
                        help="wait this long to connect to the store (default: 10)")
    parser.add_argument("--read-timeout", dest="read_timeout" + suffix, type=float,
                        metavar="SECONDS", default=default,
                        help="wait this long for the store's answer (default: 300)")


def merge_remote(args: argparse.Namespace) -> None:
    """Merge the remote options given after the subcommand into those given before."""
    for name in _OPTIONS:
        setattr(args, name, getattr(args, name + "_sub", None) or getattr(args, name, None))


def check_remote_options(args: argparse.Namespace) -> None:
    """Refuse what cannot go with ``--endpoint`` (a usage error, exit 2)."""
    for name in ("update_endpoint", "store_endpoint", "user"):
        if getattr(args, name) and not args.endpoint:
            raise ParameterError("needs --endpoint QUERY_URL, the store's query URL",
                                 "--" + name.replace("_", "-"))
    for name in ("connect_timeout", "read_timeout"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            raise ParameterError(f"must be positive, not {value:g}",
                                 "--" + name.replace("_", "-"))
    if not args.endpoint:
        if args.command == "push":
            raise ParameterError("push needs --endpoint QUERY_URL, the store to load",
                                 "--endpoint")
        return
    if args.command == "push":
        return  # the graph pushed is the local one: every local option applies
    refused = (
        (args.store, "--store", "the graph is the one in the remote store"),
        (args.extra, "--with", "files are reasoned locally: push them with "
                               "'backcare-kg push --with FILE --endpoint URL …' first"),
        (args.no_inference, "--no-inference", "the store holds what was pushed; query the "
                                              "asserted graph with FROM <…/graph/asserted>"),
        (args.engine_given, "--engine", "the store's own engine answers"),
        (args.reasoner_given, "--reasoner", "the store holds what was pushed, reasoned "
                                            "before"),
        (args.command in ("validate", "build"), args.command,
         f"{args.command} works on the local files, not a store"),
    )
    for given, option, why in refused:
        if given:
            raise ParameterError(f"cannot be combined with --endpoint: {why}", option)


def endpoints_of(args: argparse.Namespace) -> Endpoints:
    from backcare_kg.remote import Endpoints

    return Endpoints(args.endpoint, args.update_endpoint, args.store_endpoint)


def timeouts_of(args: argparse.Namespace) -> Timeouts:
    from backcare_kg.remote import Timeouts

    return Timeouts(args.connect_timeout or 10.0, args.read_timeout or 300.0)


def login_of(args: argparse.Namespace, endpoints: Endpoints) -> Credentials | None:
    """The login for ``--user`` (password from the environment, netrc, or a prompt on a
    terminal); None without ``--user`` (the client then looks for one itself)."""
    from backcare_kg.remote.credentials import find_credentials

    if not args.user:
        return None
    target = endpoints.update or endpoints.store or endpoints.query
    found = find_credentials(target, user=args.user)
    if found is not None:
        return found
    if not sys.stdin.isatty():
        raise ParameterError(f"no password for user {args.user!r}: set BACKCARE_KG_PASSWORD "
                             "or add a netrc entry (there is no terminal to ask on)", "--user")
    from backcare_kg.remote import Credentials

    return Credentials(args.user, getpass.getpass(f"password for {args.user} at {target}: "),
                       "the terminal")


def remote_source(args: argparse.Namespace, *, eager_login: bool = False) -> dict[str, Any]:
    """The fields of a :class:`~backcare_kg.graph_source.GraphSource` for ``--endpoint``.
    With ``eager_login`` a login is found now (from ``--user``, the environment or netrc),
    for worker processes that must never ask; else only ``--user`` is looked up, and the
    client looks for one itself if the store asks."""
    endpoints = endpoints_of(args)
    timeouts = timeouts_of(args)
    login = login_of(args, endpoints)
    if eager_login and login is None:
        from backcare_kg.remote.credentials import find_credentials

        login = find_credentials(endpoints.query)
    auth: Credentials | tuple[str, str] | None = login
    if eager_login and login is not None:
        auth = (login.user, login.password)  # plain values travel to the workers
    return {"endpoint": endpoints.query, "update_endpoint": endpoints.update,
            "store_endpoint": endpoints.store, "auth": auth,
            "timeouts": (timeouts.connect, timeouts.read)}
