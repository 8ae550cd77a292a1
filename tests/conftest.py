"""Fixtures shared by the test files."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rmsprop_lib.checks import _engine


@pytest.fixture(autouse=True)
def fresh_checker_memory():
    """Each test starts as a learner's first attempt (the checkers remember repeated mistakes)."""
    _engine._memory.clear()
    yield
    _engine._memory.clear()


# --- The checkout and its lecturer tools --------------------------------------------------------

#: The checkout the tests belong to.
ROOT = Path(__file__).resolve().parent.parent
# The lecturer tools (course/) are not installed: they are found from the checkout's top folder.
# Appended, not prepended, so an installed rmsprop_lib still comes first where there is one.
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


@pytest.fixture(scope="session")
def checkout():
    """The checkout the tests belong to (README.md, notebooks/, course/, figures/)."""
    return ROOT


@pytest.fixture(scope="session")
def run_module():
    """``run_module("course.links", "--check", cwd=...)``: ``python -m`` in a new process, output as text.

    The checkout's top folder is put on PYTHONPATH, as when a lecturer runs the command there, so
    ``cwd`` may be any folder (default: the checkout); ``env`` adds variables.
    """
    def run(module, *args, cwd=ROOT, env=None, timeout=300):
        path = os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p])
        return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, capture_output=True,
                              text=True, timeout=timeout, env={**os.environ, **(env or {}), "PYTHONPATH": path})
    return run


# --- Warnings as errors -------------------------------------------------------------------------


@pytest.fixture
def no_warnings():
    """Every warning raised during the test is an error (e.g. a numpy overflow a run should have caught)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield
