"""HTTP content negotiation: ``Accept`` and ``Accept-Language`` headers (RFC 9110 §12)."""

from __future__ import annotations

from collections.abc import Sequence


def _ranked(header: str | None) -> list[tuple[str, float]]:
    """The ranges of an ``Accept``-style header with their weights, best first (ties keep
    the header's order); ranges with ``q=0`` are left out."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        pieces = [p.strip() for p in part.split(";")]
        value = pieces[0].lower()
        if not value:
            continue
        weight = 1.0
        for param in pieces[1:]:
            name, _, raw = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = min(max(float(raw.strip()), 0.0), 1.0)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            ranked.append((-weight, index, value))
    ranked.sort()
    return [(value, -weight) for weight, _, value in ranked]


def accepted_media_types(header: str | None) -> list[str]:
    """The media types and ranges of an ``Accept`` header, best first; ``["*/*"]`` when
    the header is missing or empty."""
    ranked = [value for value, _ in _ranked(header)]
    return ranked or ["*/*"]


def best_media_type(header: str | None, offered: Sequence[str]) -> str | None:
    """The first of ``offered`` (the server's order of preference) that the client's
    ``Accept`` header ranks highest; None if it accepts none of them."""
    wanted = _ranked(header) or [("*/*", 1.0)]
    best: tuple[float, int] | None = None
    choice = None
    for position, media_type in enumerate(offered):
        base = media_type.split(";")[0].strip().lower()
        for value, weight in wanted:
            if value == base or value == "*/*" or (
                    value.endswith("/*") and base.split("/")[0] == value[:-2]):
                specificity = 2 if value == base else 1 if value != "*/*" else 0
                key = (weight + specificity / 1000, -position)
                if best is None or key > best:
                    best, choice = key, media_type
                break
    return choice


def preferred_language(header: str | None, available: Sequence[str],
                       default: str = "en") -> str:
    """The language of ``available`` that an ``Accept-Language`` header prefers (``es-ES``
    matches ``es``); ``default`` when it names none of them."""
    for value, _ in _ranked(header):
        if value == "*":
            return default
        primary = value.split("-")[0]
        for language in available:
            if language.lower() in (value, primary):
                return language
    return default
