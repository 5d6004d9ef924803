"""The CSP middleware writes exactly the headers django-csp's own writes, policy kept or not."""

import pytest
from csp import middleware as library
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.exceptions import CSPNonceError
from django.http import HttpResponse
from django.test import RequestFactory

from conflicttracker import csp

REPORT_ONLY = {"DIRECTIVES": {"default-src": ["'self'"], "report-uri": "/csp-reports/"}}


def headers(middleware_class, *, path="/api/v1/timeline/", use_nonce=False, **response_attrs):
    """The CSP headers a middleware puts on a response, and whether the nonce is sealed."""
    request = RequestFactory().get(path)
    response = HttpResponse("{}", content_type="application/json")
    for name, value in response_attrs.items():
        setattr(response, name, value)
    found = middleware_class(lambda request: response)
    found.process_request(request)
    if use_nonce:
        str(request.csp_nonce)
        request._csp_nonce = "fixed-for-the-comparison"
    found.process_response(request, response)
    try:
        str(request.csp_nonce)
        sealed = False
    except CSPNonceError:  # Asked for after the header was written.
        sealed = True
    return {name: response.get(name) for name in (HEADER, HEADER_REPORT_ONLY)}, sealed


@pytest.mark.parametrize(
    "case",
    [
        {},
        {"path": "/admin/"},
        {"use_nonce": True},
        {"_csp_update": {"img-src": ["https://tiles.example"]}},
        {"_csp_replace": {"script-src": ["'self'", "https://cdn.example"]}},
        {"_csp_exempt": True},
    ],
)
def test_the_headers_are_django_csps_own(case):
    ours = headers(csp.CSPMiddleware, **case)
    assert ours == headers(library.CSPMiddleware, **case)
    assert ours[1] != case.get("use_nonce", False), "the nonce is sealed once the header is out"


def test_changed_settings_are_read_again(settings):
    before = headers(csp.CSPMiddleware)
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = REPORT_ONLY
    settings.CONTENT_SECURITY_POLICY = {
        **settings.CONTENT_SECURITY_POLICY,
        "EXCLUDE_URL_PREFIXES": ["/api/v1/docs/"],
    }
    after = headers(csp.CSPMiddleware)
    assert after != before and after[0][HEADER_REPORT_ONLY]
    assert after == headers(library.CSPMiddleware)
    for path in ("/api/v1/docs/", "/api/v1/timeline/"):
        assert headers(csp.CSPMiddleware, path=path) == headers(library.CSPMiddleware, path=path)
