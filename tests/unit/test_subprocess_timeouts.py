"""Every wait on another process in the tests and the local stack tooling is bounded.

A subprocess that hangs (an apply, a server that never exits) must fail the test that started it, naming
it, instead of stalling the whole run until CI's own limit. So ``subprocess.run``/``call``/``check_call``/
``check_output`` get a ``timeout``, ``Popen.wait``/``communicate`` get one, and ``Popen`` is not used as a
context manager (its exit waits without one). Long-running servers (``Popen`` without a wait) are stopped
by PID with a grace period (scripts/local_aws/processes.py), so they are not counted here.
"""

from __future__ import annotations

import ast

from tests.conftest import ROOT

CHECKED = ("tests", "scripts/local_aws")
RUN_FUNCTIONS = {"run", "call", "check_call", "check_output"}
WAIT_METHODS = {"wait", "communicate"}


def unbounded_waits(source: str) -> list[tuple[int, str]]:
    """(line, call) of each subprocess call or wait in ``source`` that has no timeout."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and _name(call.func) == "subprocess.Popen":
                    found.append((call.lineno, "with subprocess.Popen(...)"))
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        has_timeout = any(keyword.arg == "timeout" for keyword in node.keywords)
        if name.startswith("subprocess.") and name.removeprefix("subprocess.") in RUN_FUNCTIONS and not has_timeout:
            found.append((node.lineno, name))
        is_wait = isinstance(node.func, ast.Attribute) and node.func.attr in WAIT_METHODS
        # ``x.wait()`` / ``x.communicate()`` with nothing at all waits forever (a positional or keyword
        # argument is a timeout for Popen, Event, Thread; boto3 waiters take keyword parameters and poll
        # a bounded number of times).
        if is_wait and not node.args and not node.keywords:
            found.append((node.lineno, f"{name}()"))
    return sorted(found)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return f"{_name(func.value)}.{func.attr}"
    if isinstance(func, ast.Name):
        return func.id
    return "<expression>"


def test_every_subprocess_wait_has_a_timeout() -> None:
    offending = [
        f"{path.relative_to(ROOT)}:{line}: {call}"
        for folder in CHECKED
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line, call in unbounded_waits(path.read_text(encoding="utf-8"))
    ]
    assert not offending, "waits without a timeout:\n" + "\n".join(offending)


def test_the_check_sees_each_kind_of_unbounded_wait() -> None:
    source = """
import subprocess
subprocess.run(["true"], check=True)
subprocess.check_output(["true"])
process = subprocess.Popen(["true"])
process.wait()
process.communicate()
with subprocess.Popen(["true"]) as other:
    pass
subprocess.run(["true"], timeout=5)
process.wait(5)
process.communicate(timeout=5)
"""
    assert [line for line, _ in unbounded_waits(source)] == [3, 4, 6, 7, 8]
