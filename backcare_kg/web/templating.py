"""The HTML templates (``web/templates/``, Jinja2) and static files (``web/static/``)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

import jinja2

from backcare_kg.version import __version__


def package_dir(name: str) -> Path:
    """A directory shipped inside the package (``templates`` or ``static``)."""
    return Path(str(resources.files("backcare_kg.web") / name))


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment: autoescaped HTML, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(package_dir("templates")),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def render(template: str, **context: object) -> str:
    """``template`` rendered with ``context``."""
    return environment().get_template(template).render(**context)
