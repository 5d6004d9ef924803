"""`make demo`'s server start: the editor's sign-in is printed last, framed, after the server's
own start-up lines, and it signs in."""

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from django.conf import settings

SCRIPT = settings.BASE_DIR / "scripts" / "serve_demo.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_demo_prints_the_sign_in_last_framed_and_it_works(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "true",  # As make demo runs it: a development setup.
    }
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    port = free_port()
    out = tmp_path / "out.txt"
    with out.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, str(SCRIPT), "127.0.0.1", str(port)],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # As from a terminal: a test process that ignores or blocks SIGINT (started in
            # the background, or a library's thread) would pass that on, and Ctrl-C would do
            # nothing to the demo.
            preexec_fn=_ctrl_c_as_in_a_terminal,
        )
        try:
            deadline = time.monotonic() + 60
            while "╝" not in out.read_text() and time.monotonic() < deadline:
                assert server.poll() is None, out.read_text()
                time.sleep(0.2)
            time.sleep(0.5)  # Anything printed after the frame would show now.
            text = out.read_text()
            login = _sign_in(port, *_credentials(text))
        finally:
            if server.poll() is None:  # Else the assertion above says why it ended.
                os.killpg(server.pid, signal.SIGINT)
                _stopped_by_ctrl_c(server, out)
    assert text.index("Starting development server") < text.index("╔")
    assert text.rstrip().endswith("╝"), text[-300:]
    assert login.endswith("/admin/"), login  # Signed in: the admin's home, not the login form.


def test_a_generated_password_that_starts_with_a_dash_is_given_to_the_editor(tmp_path):
    """token_urlsafe starts with "-" about once in 64 runs; argparse must not take it for an
    option."""
    spec = importlib.util.spec_from_file_location("serve_demo", SCRIPT)
    serve_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve_demo)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    password = "-Kx3_pQ9-leading-dash"
    made = subprocess.run(
        serve_demo.create_editor(password), env=env, capture_output=True, text=True, check=False
    )
    assert made.returncode == 0, made.stderr
    check = (
        "from django.contrib.auth import authenticate; "
        f"print(authenticate(username={serve_demo.USERNAME!r}, password={password!r}) is not None)"
    )
    signs_in = subprocess.run(
        [*manage, "shell", "-c", check], env=env, capture_output=True, text=True, check=True
    )
    assert signs_in.stdout.splitlines()[-1] == "True", signs_in.stdout + signs_in.stderr


def _ctrl_c_as_in_a_terminal() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stopped_by_ctrl_c(server: subprocess.Popen, out) -> None:
    """Ctrl-C (SIGINT to the demo's process group) stops the demo; if it has not within 20
    seconds, the failure shows what was still running and what the demo printed last."""
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        running = subprocess.run(
            ["ps", "-o", "pid,stat,etime,args", "-g", str(server.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        raise AssertionError(
            f"Ctrl-C did not stop the demo within 20 s.\n{running}\n{out.read_text()[-2000:]}"
        ) from None


def _credentials(text: str) -> tuple[str, str]:
    username = re.search(r"username\s+(\S+)", text).group(1)
    password = re.search(r"password\s+(\S+)", text).group(1)
    return username, password


def _sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the login form; the address it lands on."""
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(f"{base}/admin/login/?next=/admin/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": "/admin/",
        }
    ).encode()
    request = urllib.request.Request(f"{base}/admin/login/?next=/admin/", data=data)
    request.add_header("Referer", f"{base}/admin/login/")
    return opener.open(request).geturl()
