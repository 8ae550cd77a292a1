"""What the checker tests share: run a checker quietly and assert the diagnosis it gives."""
from rmsprop_lib.checks import DIAGNOSES, CheckResult


def run(checker, fn, **options):
    """The checker's result for ``fn``, without displaying it."""
    result = checker(fn, show=False, **options)
    assert isinstance(result, CheckResult)
    return result


def assert_diagnosis(checker, fn, diagnosis):
    """``fn`` gets exactly ``diagnosis`` (None: it passes), and the diagnosis is a known one."""
    result = run(checker, fn)
    assert result.diagnosis == diagnosis, result.message
    assert result.passed is (diagnosis is None)
    assert diagnosis in DIAGNOSES
    return result
