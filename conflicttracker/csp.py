"""django-csp's middleware, with the policy of the settings written once, not per response."""

# django-csp writes the Content-Security-Policy header's text for every response, twice (the
# policy and the report-only one): each time it copies the settings into a dict of every
# directive it knows (dataclasses.asdict deep-copies them) and joins them, about 0.05 ms of a
# 3.5 ms API page. That text depends on the settings alone unless the response carries a
# policy of its own (django-csp's decorators) or the request used its nonce: those responses
# are handled by django-csp itself; the rest take the text written once, forgotten whenever a
# CONTENT_SECURITY_POLICY setting changes (tests override them).

import functools
import http.client

from csp import middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

# What django-csp's decorators set on a response to change its policy.
OWN_POLICY = tuple(
    f"_csp_{part}{suffix}" for part in ("config", "update", "replace") for suffix in ("", "_ro")
)
# (header, its setting, the response's exemption) for the policy and the report-only one.
HEADERS = (
    (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
)
# Responses django-csp leaves alone when DEBUG is on (the debug pages).
DEBUG_STATUSES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)


@functools.cache
def settings_policy(report_only: bool) -> str:
    """The header's text from the settings alone, as django-csp writes it."""
    return build_policy(report_only=report_only)


@functools.cache
def excluded_prefixes(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ())


@receiver(setting_changed)
def _forget_policies(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        settings_policy.cache_clear()
        excluded_prefixes.cache_clear()


class CSPMiddleware(middleware.CSPMiddleware):
    """django-csp's CSPMiddleware, the same headers, with the settings' policy written once."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        nonce_used = getattr(request, "_csp_nonce", None) is not None
        if nonce_used or any(hasattr(response, name) for name in OWN_POLICY):
            return super().process_response(request, response)
        if response.status_code in DEBUG_STATUSES and settings.DEBUG:
            return response
        for header, setting, exempt in HEADERS:
            policy = settings_policy(header == HEADER_REPORT_ONLY)
            if (
                policy
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(excluded_prefixes(setting))
            ):
                response[header] = policy
        # As django-csp does: once the header is written, asking for the nonce is an error.
        request.csp_nonce = middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
