"""rdflib's warnings about literals, collected into one-line messages instead of printed.

rdflib logs a traceback for every ill-typed literal it meets, and warns through
:mod:`warnings` for others; loading, reasoning and the closure cache all parse or convert
literals, and each reports (or drops) the messages its own way.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


def one_line(text: str) -> str:
    """``text`` on one line, without surrounding whitespace."""
    return " ".join(text.split())


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith("Failed to convert Literal lexical form"):
            datatype = re.search(r"Datatype=(\S+?),", message)
            error = record.exc_info[1] if record.exc_info else None
            message = (
                f"ill-typed literal of datatype <{datatype.group(1) if datatype else '?'}>"
                + (f" ({error})" if error else "")
            )
        self.messages.append(one_line(message))


@contextmanager
def captured_rdflib_warnings(messages: list[str]) -> Iterator[None]:
    """Collect rdflib's literal warnings (log records and ``warnings``) into ``messages``.

    rdflib logs a traceback for every ill-typed literal; callers re-report the collected
    messages in one line each (or drop them) instead of letting them reach the console.
    """
    logger = logging.getLogger("rdflib.term")
    handler = _ListHandler(messages)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        messages.extend(
            one_line(str(w.message)) for w in caught
            if not issubclass(w.category, DeprecationWarning)
        )
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
