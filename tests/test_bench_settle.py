"""bench/load.settle: the bench waits for a server still computing after wrk stopped."""

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

# The bench's module by its path: bench/ is a folder of scripts, not a package.
_SPEC = importlib.util.spec_from_file_location(
    "bench_load", Path(__file__).resolve().parent.parent / "bench" / "load.py"
)
load = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(load)

BUSY_THEN_IDLE = (
    "import time\n"
    "end = time.process_time() + {busy}\n"
    "while time.process_time() < end: pass\n"
    "print('idle', flush=True)\n"
    "time.sleep(30)\n"
)


def _start(busy: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", BUSY_THEN_IDLE.format(busy=busy)], stdout=subprocess.PIPE
    )


def test_settle_waits_until_a_busy_server_stops_computing():
    server = _start(busy=1.5)
    try:
        time.sleep(0.2)  # The interpreter has started and is computing.
        waited = load.settle([server.pid])
        assert server.stdout.readline() == b"idle\n"  # Finished computing before settle returned.
        assert waited >= 0.8
    finally:
        server.kill()
        server.wait()


def test_settle_returns_at_once_for_an_idle_server():
    server = _start(busy=0)
    try:
        assert server.stdout.readline() == b"idle\n"
        assert load.settle([server.pid]) < 0.5
    finally:
        server.kill()
        server.wait()


def test_process_tree_cpu_counts_the_children():
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'import time\\nend = time.process_time() + 0.5\\nwhile time.process_time() < end: "
            "pass\\ntime.sleep(30)'])",
        ]
    )
    try:
        deadline = time.monotonic() + 10
        while load.process_tree_cpu(parent.pid) < 0.4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert load.process_tree_cpu(parent.pid) >= 0.4
    finally:
        for child in Path(f"/proc/{parent.pid}/task/{parent.pid}/children").read_text().split():
            subprocess.run(["kill", child], check=False)
        parent.kill()
        parent.wait()
