"""Threads with their own database connections, lined up so that two writers really race."""

import threading
import time

from django.db import connections
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

TIMEOUT = 30


def in_thread(call):
    """Start call in a thread with its own connection (closed at its end); a handle whose
    .result() waits and returns what call returned (or raises what it raised)."""
    box: dict = {}

    def run():
        try:
            box["value"] = call()
        except BaseException as exc:
            box["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()

    class Handle:
        def result(self, timeout=TIMEOUT):
            thread.join(timeout)
            assert not thread.is_alive(), "the writer did not finish: blocked or deadlocked"
            if "error" in box:
                raise box["error"]
            return box["value"]

        def running(self) -> bool:
            return thread.is_alive()

    return Handle()


class Gate:
    """A point in product code where a writer stops until the test lets it go on."""

    def __init__(self):
        self.reached, self.go = threading.Event(), threading.Event()

    def wrap(self, function):
        def gated(*args, **kwargs):
            if not self.reached.is_set():
                self.reached.set()
                assert self.go.wait(TIMEOUT), "the gate was never opened"
            return function(*args, **kwargs)

        return gated

    def wait(self):
        assert self.reached.wait(TIMEOUT), "the writer never reached the gate"

    def open(self):
        self.go.set()


def settle(seconds: float = 0.7) -> None:
    """Give a writer that is about to block on a lock the time to reach it."""
    time.sleep(seconds)


def api_for(user) -> APIClient:
    client = APIClient()
    client.raise_request_exception = False  # A server error is an answer to look at: 500.
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def etag(client: APIClient, pk: int) -> str:
    answer = client.get(f"/api/v1/events/{pk}/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200, answer.content
    return answer["ETag"]


def patch(client: APIClient, pk: int, body: dict, if_match: str):
    return client.patch(
        f"/api/v1/events/{pk}/", body, format="json", HTTP_IF_MATCH=if_match,
        HTTP_ACCEPT="application/json",
    )  # fmt: skip
