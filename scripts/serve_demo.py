"""`make demo`'s last step: create the demo editor, start the server, then print the sign-in.

The credentials come last, in a frame, after the server's own start-up lines, where nobody
misses them. Standard library only; Ctrl-C stops the server.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
USERNAME = "editor"
READY_SECONDS = 60


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def wait_until_serving(host: str, port: int, server: subprocess.Popen) -> bool:
    """Until the server accepts connections (a connection, not a request: nothing is logged)."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def framed(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    rule = "═" * (width + 2)
    body = "\n".join(f"║ {line.ljust(width)} ║" for line in lines)
    return f"\n╔{rule}╗\n{body}\n╚{rule}╝\n"


def create_editor(password: str) -> list[str]:
    """The command giving the demo editor this password.

    "--password=…" in one word: a generated password may start with "-", which argparse would
    take for an option if it stood alone.
    """
    return manage("create_demo_editor", "--username", USERNAME, f"--password={password}", "--force")


def main(host: str, port: str) -> int:
    password = secrets.token_urlsafe(12)
    # The demo is a development setup (make demo sets DEBUG too): a throwaway secret key.
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "true"), "PYTHONUNBUFFERED": "1"}
    made = subprocess.run(
        # --force: the demo's own account gets a fresh password on every run.
        create_editor(password),
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if made.returncode:
        sys.stderr.write(made.stdout + made.stderr)
        return made.returncode
    url = f"http://{host}:{port}/"
    server = subprocess.Popen(manage("runserver", f"{host}:{port}"), env=env)
    try:
        if wait_until_serving(host, int(port), server):
            print(
                framed(
                    [
                        "Conflict Tracker demo is running",
                        "",
                        f"  public site   {url}",
                        f"  editors       {url}admin/",
                        f"  API           {url}api/v1/",
                        "",
                        f"  username      {USERNAME}",
                        f"  password      {password}",
                        "",
                        "  (Editor and Publisher groups; Ctrl-C stops the server)",
                    ]
                ),
                flush=True,
            )
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        return server.wait()


if __name__ == "__main__":
    sys.exit(main(*(sys.argv[1:3] if len(sys.argv) >= 3 else ("127.0.0.1", "8000"))))
