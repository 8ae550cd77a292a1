"""Fixtures shared by the test files."""
import pytest

from rmsprop_lib.checks import _engine


@pytest.fixture(autouse=True)
def fresh_checker_memory():
    """Each test starts as a learner's first attempt (the checkers remember repeated mistakes)."""
    _engine._memory.clear()
    yield
    _engine._memory.clear()
