"""``backcare-kg publish``: the linked data as a static site.

The site holds what the server answers (the same functions write it, see
:mod:`backcare_kg.web.links` for its layout): the home page, a page and four RDF
descriptions of every resource, the ontology and its version, the named graphs' summaries
and full dumps, the VoID/DCAT description, the JSON-LD context and the style sheet; links
between the files are relative, so it works from any host and from the files. With them the
server configuration for content negotiation (``.htaccess`` for Apache, an example of the
w3id.org redirects, :mod:`.negotiation`), a README.txt, and :data:`MANIFEST`.

    report = publish(kg, "site", base_url="https://example.org/backcare-kg/")
    print(report)          # what was written: files and bytes by kind, time, directory

The site is built beside the directory and swapped into place (:mod:`.directory`).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from backcare_kg import urls
from backcare_kg.errors import DataError
from backcare_kg.publish.directory import (
    GENERATOR,
    MANIFEST,
    check_target,
    staging,
    swap_into_place,
)
from backcare_kg.publish.site import KINDS, FileCounts, SiteOptions, SiteWriter, write_site
from backcare_kg.version import __version__

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph

__all__ = ["MANIFEST", "PublishReport", "SiteOptions", "check_url", "publish", "read_manifest"]


@dataclass(frozen=True)
class PublishReport(FileCounts):
    """What :func:`publish` wrote: files and bytes by kind (see :data:`.site.KINDS`)."""

    directory: Path
    files: dict[str, int]
    sizes: dict[str, int]
    seconds: float
    replaced: bool
    skipped: tuple[str, ...] = ()

    def __str__(self) -> str:
        verb = "replaced the previous site in" if self.replaced else "published the site to"
        lines = [f"{verb} {self.directory} in {self.seconds:.1f} s: "
                 f"{self.total_files} files, {_size(self.total_bytes)}"]
        width = max(len(str(n)) for n in self.files.values())
        for kind, what in KINDS.items():
            lines.append(f"  {self.files[kind]:>{width}} files {_size(self.sizes[kind]):>9}"
                         f"  {what}")
        if self.skipped:
            lines.append(f"  skipped {len(self.skipped)} resource(s) whose names are not "
                         f"lower-case kebab-case (the server does not serve them either): "
                         f"{', '.join(self.skipped[:3])}{' …' if len(self.skipped) > 3 else ''}")
        return "\n".join(lines)


def _size(count: int) -> str:
    if count < 1000:
        return f"{count} B"
    if count < 1_000_000:
        return f"{count / 1000:.1f} kB"
    return f"{count / 1_000_000:.1f} MB"


def check_url(value: str | None, option: str) -> str | None:
    """``value`` if it is an absolute http(s) URL without query or fragment that the
    ``.htaccess`` files can hold (None stays None); raises :class:`ParameterError` naming
    ``option`` otherwise (see :func:`backcare_kg.urls.check_url`)."""
    return urls.check_url(value, option, htaccess=True)


def publish(kg: KnowledgeGraph, out: str | os.PathLike[str], *, base_url: str | None = None,
            sparql: str | None = None) -> PublishReport:
    """Write the static site of ``kg`` to the directory ``out``, replacing a previous site
    there at once (or filling an empty or new directory).

    ``base_url`` is where the site will be hosted (for ``.htaccess`` and the w3id example;
    by default at the root of its host), ``sparql`` a live SPARQL endpoint the pages link
    to (by default none: no query form). Raises :class:`ParameterError` for a bad URL or a
    directory that is neither empty nor a previous site, :class:`DataError` if the site
    cannot be written; either way a previous site is left as it was.
    """
    started = time.monotonic()
    base = check_url(base_url, "base-url")
    options = SiteOptions(base_url=base if base is None or base.endswith("/") else base + "/",
                          sparql=check_url(sparql, "sparql"))
    target = check_target(out)
    built = datetime.now(timezone.utc).replace(microsecond=0)
    with staging(target) as staged:
        writer = SiteWriter(staged)
        try:
            write_site(kg, writer, options, built)
            _manifest(kg, writer, options, built)
        except OSError as e:
            raise DataError(f"cannot write the site: {e.strerror or e}", path=str(target)) from e
    replaced = swap_into_place(staged, target)
    return PublishReport(target, dict(writer.files), dict(writer.sizes),
                         time.monotonic() - started, replaced, tuple(writer.skipped))


def _manifest(kg: KnowledgeGraph, writer: SiteWriter, options: SiteOptions,
              built: datetime) -> None:
    """:data:`MANIFEST`: the site's marker and description (written last)."""
    manifest = {
        "generator": GENERATOR,
        "version": __version__,
        "built": built.isoformat(),
        "base_url": options.base_url,
        "sparql": options.sparql,
        "files": writer.total_files + 1,  # with this one
        "files_by_kind": {**writer.files, "configuration": writer.files["configuration"] + 1},
        "bytes": writer.total_bytes,
        "triples": {"asserted": len(kg.asserted), "inferred": len(kg.inferred),
                    "support": len(kg.support_graph)},
        "skipped_resources": writer.skipped,
    }
    writer.write(MANIFEST, json.dumps(manifest, indent=2) + "\n", "configuration")


def read_manifest(directory: str | os.PathLike[str]) -> dict[str, object]:
    """The manifest of the site in ``directory``."""
    found: dict[str, object] = json.loads((Path(directory) / MANIFEST).read_text("utf-8"))
    return found
