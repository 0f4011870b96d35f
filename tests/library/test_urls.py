"""The http(s) URLs users give: remote stores' endpoints and a published site's URLs."""

from __future__ import annotations

import pytest

from backcare_kg import ParameterError
from backcare_kg.publish import check_url as site_url
from backcare_kg.remote import Endpoints
from backcare_kg.urls import check_url


def test_an_endpoint_is_an_http_url() -> None:
    assert check_url(None, "endpoint") is None
    assert check_url("https://example.org/sparql?x=1", "endpoint") == \
        "https://example.org/sparql?x=1"
    with pytest.raises(ParameterError) as error:
        Endpoints("http://example.org/sparql", update="ftp://example.org/update")
    assert str(error.value) == ("parameter 'update_endpoint': expected an http:// or "
                                "https:// URL, not 'ftp://example.org/update'")
    with pytest.raises(ParameterError, match="expected an http:// or https:// URL, not 3"):
        check_url(3, "endpoint")  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "message"), [
    ("example.org/kg", "expected an http:// or https:// URL, not 'example.org/kg'"),
    ("https://example.org/?a=b", "expected a URL without ?query or #fragment, "
                                 "not 'https://example.org/?a=b'"),
    ("https://example.org/a b", "the URL 'https://example.org/a b' holds a space, a quote, a "
                                "backslash, $ or % (which the .htaccess files cannot hold)"),
])
def test_a_site_url_fits_in_htaccess(value: str, message: str) -> None:
    assert site_url(None, "base-url") is None
    assert site_url(" https://example.org/kg/ ", "base-url") == "https://example.org/kg/"
    with pytest.raises(ParameterError) as error:
        site_url(value, "base-url")
    assert str(error.value) == f"parameter 'base-url': {message}"
