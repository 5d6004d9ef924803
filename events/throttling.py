"""Who a request comes from, and the limits on it: the anonymous rate limit the public pages
share with the API, and the admin login lockout."""

from collections.abc import Callable
from functools import wraps

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import AnonRateThrottle


def client_ip(request: HttpRequest) -> str:
    """The client's address by the API throttle's rule: the connecting address, or with
    NUM_PROXIES set, the address that many proxies back in X-Forwarded-For (django-axes
    counts login failures per this address too)."""
    return AnonRateThrottle().get_ident(request)


def throttled(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page under the API's anonymous throttle (API_ANON_RATE, one budget per client
    for both: the pages run the same queries); past it, a 429 page that says when to retry."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        throttle = AnonRateThrottle()
        if throttle.allow_request(request, None):
            return view(request, *args, **kwargs)
        wait = max(1, round(throttle.wait() or 1))
        response = render(request, "site/too_many_requests.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response

    return wrapper


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout for logins that come with a request (the admin's login form).

    authenticate() without one (the test client's login(), a script or a shell) is no login
    from an address: there is nothing to count it against, where the stock backend raises."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
