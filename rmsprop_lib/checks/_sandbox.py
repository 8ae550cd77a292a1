"""Running the learner's function so that nothing it does can crash, hang, flood or poison a check.

:func:`call` runs the function in a daemon thread and waits at most ``time_limit`` seconds
(a thread works the same in a Jupyter kernel on Linux, macOS and Windows, where ``signal.alarm``
does not exist). It

- catches every exception, including ``SystemExit`` (``sys.exit()``) and ``GeneratorExit``, and
  hands it back; a ``KeyboardInterrupt`` still interrupts: it is raised again in the caller, and
  interrupting the kernel while the checker waits stops the wait;
- captures what the function prints (stdout and stderr), keeping the first few lines;
- silences floating-point and other warnings;
- restores every name of ``rmsprop_lib``'s modules, classes and module-level objects (such as
  each exercise's test cases), of ``numpy`` and of ``builtins`` that the function replaced
  (``checks.RMSProp = ...``, ``np.allclose = ...``), so a poisoned state does not outlive the call;
- stops a function that runs over time, when it can: a thread cannot be killed, but an exception
  is raised inside it at its next Python instruction (CPython's ``PyThreadState_SetAsyncExc``);
  a function stuck inside one long numpy call keeps running until that call returns.
"""
import builtins
import ctypes
import os
import sys
import threading
import traceback
import warnings
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_NUMPY = os.path.dirname(np.__file__)


class _Stopped(BaseException):
    """Raised inside a learner's function that ran over time, to end it."""


class Printed:
    """A text stream that keeps the first ``keep`` characters written to it and counts the rest."""

    def __init__(self, keep=2000):
        self._keep, self._parts, self._kept = keep, [], 0
        self.chars = self.lines = 0

    def write(self, text):
        text = text if isinstance(text, str) else str(text)
        self.chars += len(text)
        self.lines += text.count("\n")
        if self._kept < self._keep:
            piece = text[: self._keep - self._kept]
            self._parts.append(piece)
            self._kept += len(piece)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    @property
    def text(self):
        return "".join(self._parts)


@dataclass
class Outcome:
    """What happened: ``value`` (what ``convert`` made of the result) or ``error``, or a time-out."""

    value: Any = None
    error: Optional[BaseException] = None
    timed_out: bool = False
    stopped: bool = False  # a function that ran over time was stopped
    printed: Printed = None


def safe_str(obj):
    """``str(obj)``, or a placeholder when the object's own ``__str__`` fails."""
    try:
        return str(obj)
    except Exception:  # noqa: BLE001 - the learner's object
        return f"<a {type(obj).__name__} that cannot be printed>"


def learner_line(exc):
    """The source line of the innermost frame of ``exc`` outside numpy and the checkers (or None).

    Only the line's text is shown: file names of notebook cells are temporary paths.
    """
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:  # noqa: BLE001 - a traceback the learner's code tampered with
        return None
    for frame in reversed(frames):
        name = frame.filename
        if not name.startswith(_NUMPY) and not name.startswith(_HERE) and frame.line:
            return frame.line.strip()
    return None


def _protected():
    """The modules and classes whose names a learner's function must not be able to change."""
    modules = [m for name, m in list(sys.modules.items())
               if m is not None and (name == "rmsprop_lib" or name.startswith("rmsprop_lib."))]
    values = [v for m in modules for v in list(vars(m).values())]
    ours = [v for v in values if getattr(type(v), "__module__", "").startswith("rmsprop_lib")]
    classes = {id(v): v for v in values if isinstance(v, type) and v.__module__.startswith("rmsprop_lib")}
    instances = {id(v): v for v in ours if hasattr(v, "__dict__")}  # e.g. each exercise's EXERCISE
    return ([vars(m) for m in modules + [np, builtins]] + [vars(v) for v in instances.values()],
            list(classes.values()))


def _snapshot():
    namespaces, classes = _protected()
    return ([(ns, dict(ns)) for ns in namespaces], [(cls, dict(vars(cls))) for cls in classes])


def _restore(saved):
    """Put back every saved name whose value changed or that was deleted (new names are harmless)."""
    namespaces, classes = saved
    for ns, before in namespaces:
        for key, value in before.items():
            if ns.get(key, _restore) is not value:
                ns[key] = value
    for cls, before in classes:
        for key, value in before.items():
            if vars(cls).get(key, _restore) is not value:
                try:
                    setattr(cls, key, value)
                except (AttributeError, TypeError):  # pragma: no cover - read-only slots
                    pass
        for key in [k for k in vars(cls) if k not in before]:
            try:
                delattr(cls, key)
            except (AttributeError, TypeError):  # pragma: no cover
                pass


def _stop(thread):
    """Raise :class:`_Stopped` inside ``thread``; True if it ended within half a second."""
    try:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_Stopped))
    except Exception:  # noqa: BLE001 - not CPython
        return False
    thread.join(0.5)
    return not thread.is_alive()


def _start(thread):
    """Start ``thread`` with a main-thread-sized stack (macOS gives threads only 512 KiB, too little
    for a learner's function that recurses until Python's recursion limit)."""
    try:
        previous = threading.stack_size(64 * 2**20)
    except (ValueError, RuntimeError):  # pragma: no cover - a platform that cannot set it
        thread.start()
        return
    try:
        thread.start()
    finally:
        threading.stack_size(previous)


def call(fn, args, convert, time_limit):
    """Run ``convert(fn(*args))`` safely (see the module docstring); return an :class:`Outcome`."""
    outcome = Outcome(printed=Printed())

    def work():
        try:
            with np.errstate(all="ignore"):
                outcome.value = convert(fn(*args))
        except _Stopped:
            pass
        except BaseException as exc:  # noqa: BLE001 - everything the learner's code raises is reported
            outcome.error = exc

    saved = _snapshot()
    streams = sys.stdout, sys.stderr
    thread = threading.Thread(target=work, name="checked function", daemon=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sys.stdout = sys.stderr = outcome.printed
            try:
                _start(thread)
                thread.join(time_limit)
            finally:
                sys.stdout, sys.stderr = streams
                if thread.is_alive():
                    outcome.timed_out = True
                    outcome.stopped = _stop(thread)
    finally:
        _restore(saved)
    if isinstance(outcome.error, KeyboardInterrupt):
        raise outcome.error
    return outcome
