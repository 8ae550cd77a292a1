"""A real browser against a real JupyterLab, for tests/browser/.

- ``chromium``: the system Chromium (Debian's ``chromium`` package, ``.ci/browser_setup.sh``) driven by
  Python Playwright through ``executable_path`` - Playwright's own browser download is not used.
  Without Playwright or a Chromium the tests skip with the reason, unless
  ``RMSPROP_REQUIRE_BROWSER=1`` is set: then a missing browser is a failure.
  ``RMSPROP_CHROMIUM=/path/to/chrome`` picks another executable.
- ``lab``: JupyterLab on a free localhost port, no token, serving a temporary copy of notebooks/,
  with its own settings, workspace and config folders (so nothing of the user's is read or written),
  and the notebook's windowing switched off so that every cell is in the page.
- Screenshots of failures go to a temporary folder, printed at the end with each notebook's time.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]
TIMINGS = {}
SCREENSHOTS = {"dir": None, "files": []}


def _missing(reason):
    if os.environ.get("RMSPROP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"RMSPROP_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason} (run .ci/browser_setup.sh and pip install playwright; "
                "set RMSPROP_REQUIRE_BROWSER=1 to make this a failure)")


def find_chromium():
    """The Chromium executable to drive, or None."""
    wanted = os.environ.get("RMSPROP_CHROMIUM")
    if wanted:
        return wanted if os.access(wanted, os.X_OK) else None
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot_dir():
    if SCREENSHOTS["dir"] is None:
        SCREENSHOTS["dir"] = tempfile.mkdtemp(prefix="rmsprop-browser-failures-")
    return Path(SCREENSHOTS["dir"])


@pytest.fixture(scope="session")
def chromium():
    """A Playwright browser context on the system Chromium, with a fresh profile."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the Python package playwright is not installed")
    executable = find_chromium()
    if executable is None:
        if os.environ.get("RMSPROP_CHROMIUM"):
            _missing(f"RMSPROP_CHROMIUM={os.environ['RMSPROP_CHROMIUM']} is not an executable")
        _missing("no Chromium found (looked for /usr/bin/chromium, chromium, chromium-browser, google-chrome)")
    profile = tempfile.mkdtemp(prefix="rmsprop-chromium-profile-")
    playwright = sync_playwright().start()
    try:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000})
    except Exception as err:  # a browser that does not start is a missing browser
        playwright.stop()
        shutil.rmtree(profile, ignore_errors=True)
        _missing(f"Chromium at {executable} did not start: {str(err).splitlines()[0]}")
    context.set_default_timeout(60_000)
    yield context
    context.close()
    playwright.stop()
    shutil.rmtree(profile, ignore_errors=True)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A running JupyterLab: ``url``, ``root`` (its folder) and REST helpers."""

    def __init__(self, url, root, process, log):
        self.url, self.root, self.process, self.log = url, root, process, log

    def api(self, path, method="GET"):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="session")
def lab(chromium, tmp_path_factory):
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    apputils = base / "settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    for sub in ("config", "runtime", "workspaces"):
        (base / sub).mkdir()
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(base / "config"), JUPYTER_RUNTIME_DIR=str(base / "runtime"),
               JUPYTER_PLATFORM_DIRS="1", PYTHONUNBUFFERED="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
    log = open(base / "lab.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ip=127.0.0.1",
         "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={root}",
         f"--LabApp.user_settings_dir={base / 'settings'}", f"--LabApp.workspaces_dir={base / 'workspaces'}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    server = Lab(url, root, process, base / "lab.log")
    deadline = time.monotonic() + 90
    while True:
        try:
            server.api("status")
            break
        except (urllib.error.URLError, ConnectionError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"JupyterLab did not start; its log:\n{(base / 'lab.log').read_text()[-3000:]}",
                            pytrace=False)
            time.sleep(0.3)
    yield server
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def timings():
    """Seconds per notebook, printed at the end of the run."""
    return TIMINGS


@pytest.fixture
def page(chromium, request):
    """A fresh tab; on failure a full-page screenshot is saved."""
    tab = chromium.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        path = screenshot_dir() / f"{request.node.name.replace('/', '_')}.png"
        try:
            tab.screenshot(path=str(path), full_page=True)
            SCREENSHOTS["files"].append(str(path))
        except Exception as err:  # the page may be gone
            SCREENSHOTS["files"].append(f"{path} (not taken: {err})")
    tab.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.section("browser: seconds per notebook (open, kernel idle, run all, checks)")
        for name, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{name:32s} {seconds:6.1f} s")
        terminalreporter.write_line(f"{'total':32s} {sum(TIMINGS.values()):6.1f} s")
    if SCREENSHOTS["files"]:
        terminalreporter.section("browser: screenshots of failures")
        for path in SCREENSHOTS["files"]:
            terminalreporter.write_line(path)
