"""The install story tells one truth: the Python floor, the package's floors, the pinned sets
(learner, tests, Binder, conda, Codespaces), the README's commands, the licences and CITATION.cff.

What needs the network is checked by .ci/compat.sh instead: the package built with the lowest
setuptools it declares and installed against its floors on Colab's runtimes, and requirements.txt
resolved on Binder's, conda's and Codespaces' Python.
"""
import datetime
import hashlib
import importlib.metadata as md
import json
import re
import shlex
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMPAT = (ROOT / ".ci" / "compat.sh").read_text(encoding="utf-8")
TEST_TOOLS = {"nbval", "pytest", "hypothesis", "playwright", "nbconvert"}
#: What Binder's base environment already has: a requirements file must not pin these over it.
BINDER_BASE = {"jupyterlab", "notebook", "jupyter-server", "ipykernel", "jupyterhub", "ipython"}
#: The server side of that base (Notebook 7.4 pins JupyterLab 4.4 and the servers it is built for): nothing
#: binder/requirements.txt installs may even depend on one of them, or pip would move it.
JUPYTER_SERVER_SIDE = {"jupyterlab", "notebook", "jupyter-server", "jupyterlab-server", "notebook-shim",
                       "jupyter-lsp", "nbclassic", "jupyterhub"}
#: sha256 of the legal code of CC BY 4.0 as published (creativecommons.org/licenses/by/4.0/legalcode.txt).
CC_BY_4_LEGAL_CODE_SHA256 = "f5b745ef98087f531e719ee8ca6a96809444573ecc7173c6fa68eaad39b3cc3f"


def read_requirements(path):
    """(entries, pins) of a requirements file: every non-comment line, and {name: version} of the `==` pins."""
    entries = [line.split("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines()]
    entries = [e for e in entries if e]
    pins = {}
    for entry in entries:
        if entry.startswith(("-", ".")):
            continue
        req = Requirement(entry)
        (spec,) = req.specifier
        assert spec.operator == "==", f"{path.name}: {entry} is not pinned with =="
        pins[canonicalize_name(req.name)] = spec.version
    return entries, pins


def dependency_floors():
    """{name: SpecifierSet} of the package's dependencies in pyproject.toml."""
    return {canonicalize_name(Requirement(d).name): Requirement(d).specifier for d in PROJECT["dependencies"]}


def python_floor():
    (spec,) = SpecifierSet(PROJECT["requires-python"])
    assert spec.operator == ">=", "requires-python is a floor"
    return Version(spec.version)


def shell_var(name):
    """The value of NAME="..." (or NAME=...) in .ci/compat.sh."""
    m = re.search(rf'^{name}=(?:"([^"]*)"|(\S+))', COMPAT, re.MULTILINE)
    assert m, f".ci/compat.sh sets no {name}"
    return (m[1] if m[1] is not None else m[2]).split()


def minor(version):
    return ".".join(str(version).split(".")[:2])


def readme_command(installs):
    """The README's one-line command (in a bash block) that runs `pip install -r <installs>`."""
    commands = [line for block in re.findall(r"```bash\n(.*?)```", README, re.DOTALL)
                for line in block.splitlines() if f"pip install -r {installs} " in line + " "]
    assert len(commands) == 1, f"the README has {len(commands)} commands installing {installs}, not one"
    return commands[0]


LEARNER_ENTRIES, LEARNER_PINS = read_requirements(ROOT / "requirements.txt")
TEST_ENTRIES, TEST_PINS = read_requirements(ROOT / "requirements-test.txt")
BINDER_ENTRIES, BINDER_PINS = read_requirements(ROOT / "binder" / "requirements.txt")


# --- Python and the package's floors ------------------------------------------------------------

def test_the_python_floor_is_the_lowest_python_the_pinned_set_installs_on():
    # Each pinned package declares the Pythons it supports; the series' floor is the highest of their floors.
    floors = {}
    for name, version in LEARNER_PINS.items():
        installed = md.version(name)
        assert installed == version, f"{name} {installed} is installed, not the pinned {version}: pip install -r requirements-test.txt"
        requires = md.metadata(name).get("Requires-Python")
        if requires:
            floors[name] = min(Version(s.version) for s in SpecifierSet(requires) if s.operator in (">=", ">"))
    assert python_floor() == max(floors.values()), (PROJECT["requires-python"], floors)
    assert f"Python {minor(python_floor())} or newer" in README
    others = set(re.findall(r"Python (3\.\d+) or newer", README)) - {minor(python_floor())}
    assert not others, f"the README also promises Python {others}"


def test_the_pinned_sets_satisfy_the_package_floors():
    for name, spec in dependency_floors().items():
        for label, pins in (("requirements.txt", LEARNER_PINS), ("binder/requirements.txt", BINDER_PINS)):
            assert name in pins, f"{label} does not pin {name}, which the package needs"
            assert spec.contains(pins[name]), f"{label}: {name}=={pins[name]} is outside the package's {spec}"


def test_colabs_runtimes_satisfy_the_floors_so_the_setup_cell_keeps_their_packages():
    # compat.sh's colab configuration is Colab's current runtime; its floor one is the package's floors.
    colab = dict(pin.split("==") for pin in shell_var("COLAB_PINS"))
    floors = dependency_floors()
    assert set(map(canonicalize_name, colab)) == set(floors)
    for name, version in colab.items():
        assert floors[canonicalize_name(name)].contains(version), f"Colab's {name} {version} is below the floor"
    for variable in ("COLAB_PYTHON", "FLOOR_PYTHON"):
        (version,) = shell_var(variable)
        assert Version(version) >= python_floor(), f"{variable}={version} is below requires-python"
    # A floor is one version that exists and is tested (x.y.z): Colab's older runtime, still selectable,
    # on which the setup cell must keep Colab's packages too; compat.sh's floor configuration installs it.
    lows = {}
    for name, spec in floors.items():
        (low,) = [s.version for s in spec if s.operator == ">="]
        assert re.fullmatch(r"\d+\.\d+\.\d+", low), f"{name}: floor {spec}"
        lows[name] = low
    older = dict(pin.split("==") for pin in shell_var("COLAB_OLDER_PINS"))
    assert lows == {canonicalize_name(n): v for n, v in older.items()}
    assert 'pins="$FLOOR_PINS"' in COMPAT


def test_the_build_needs_a_setuptools_that_understands_an_spdx_licence_string():
    (requirement,) = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    assert requirement.name == "setuptools"
    (spec,) = requirement.specifier
    # A license given as an SPDX expression (PEP 639) needs setuptools 77; 76 refuses it.
    assert isinstance(PROJECT["license"], str)
    assert spec.operator == ">=" and Version(spec.version) >= Version("77")
    # compat.sh builds with exactly this floor, read from pyproject.toml.
    assert 'SETUPTOOLS_FLOOR="setuptools==' in COMPAT and "--no-build-isolation" in COMPAT


def test_the_wheel_holds_the_package_its_licence_and_the_declared_metadata(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        (src / name).write_bytes((ROOT / name).read_bytes())
    tracked = subprocess.run(["git", "ls-files", "rmsprop_lib"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    assert tracked, "git lists no files in rmsprop_lib/"
    for rel in tracked:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes((ROOT / rel).read_bytes())
    # setuptools' build backend as pip calls it, with the installed setuptools (requirements-test.txt pins
    # one), without the network.
    build = "import sys; from setuptools import build_meta; build_meta.build_wheel(sys.argv[1])"
    result = subprocess.run([sys.executable, "-c", build, str(tmp_path / "dist")], cwd=src, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA")).rsplit("/", 1)[0]
        metadata = z.read(f"{info}/METADATA").decode()
        licence = z.read(f"{info}/licenses/LICENSE").decode()
    assert sorted(n for n in names if not n.startswith(info)) == sorted(tracked)
    headers = [line.split(": ", 1) for line in metadata.split("\n\n", 1)[0].splitlines()]
    assert ["Version", PROJECT["version"]] in headers
    assert ["License-Expression", "MIT"] in headers and ["License-File", "LICENSE"] in headers
    assert ["Requires-Python", PROJECT["requires-python"]] in headers
    declared = {canonicalize_name(Requirement(v).name): Requirement(v).specifier for k, v in headers if k == "Requires-Dist"}
    assert declared == dependency_floors()
    assert licence == (ROOT / "LICENSE").read_text(encoding="utf-8")


# --- The requirement files ---------------------------------------------------------------------

def test_the_learners_set_is_the_package_jupyterlab_and_nothing_for_the_tests():
    assert LEARNER_ENTRIES[-1] == "-e ."
    assert set(LEARNER_PINS) == set(dependency_floors()) | {"jupyterlab", "ipykernel"}
    assert not set(LEARNER_PINS) & TEST_TOOLS


def test_the_test_set_adds_the_tools_to_the_learners_set_without_changing_a_pin():
    assert TEST_ENTRIES[0] == "-r requirements.txt"
    assert TEST_TOOLS <= set(TEST_PINS)
    included = [e.split()[1] for e in TEST_ENTRIES if e.startswith("-r ")]
    assert all((ROOT / path).is_file() for path in included), included
    seen = dict(TEST_PINS)
    for path in included:
        for name, version in read_requirements(ROOT / path)[1].items():
            assert seen.setdefault(name, version) == version, f"{path} pins {name}=={version}, another file {seen[name]}"


def test_binder_installs_what_the_notebooks_need_at_the_tested_pins_and_nothing_over_its_base():
    assert BINDER_ENTRIES[-1] == "." and "-e ." not in BINDER_ENTRIES
    assert set(BINDER_PINS) == set(dependency_floors())
    assert not set(BINDER_PINS) & (BINDER_BASE | TEST_TOOLS)
    shared = set(BINDER_PINS) & set(LEARNER_PINS)
    assert {name: BINDER_PINS[name] for name in shared} == {name: LEARNER_PINS[name] for name in shared}


def installed_closure(names):
    """The names of the installed distributions `names` need, themselves included (extras left out)."""
    seen, todo = set(), [canonicalize_name(n) for n in names]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            for line in md.requires(name) or []:
                req = Requirement(line)
                if req.marker is None or req.marker.evaluate({"extra": ""}):
                    todo.append(canonicalize_name(req.name))
    return seen


def test_nothing_binder_installs_depends_on_the_jupyter_server_side_of_its_base():
    for name, version in BINDER_PINS.items():
        assert md.version(name) == version, f"{name} {md.version(name)} is installed, not {version}: pip install -r requirements-test.txt"
    closure = installed_closure([*BINDER_PINS, PROJECT["name"]])
    assert set(BINDER_PINS) | {canonicalize_name(PROJECT["name"])} <= closure
    assert not closure & JUPYTER_SERVER_SIDE, sorted(closure & JUPYTER_SERVER_SIDE)


def test_binder_conda_and_codespaces_use_the_python_that_compat_resolves_their_files_on():
    (floor_python,) = shell_var("FLOOR_PYTHON")
    binder = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    assert binder == f"python-{minor(floor_python)}"
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert pythons == [f"python={minor(floor_python)}"]
    devcontainer = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    assert devcontainer["image"] == f"mcr.microsoft.com/devcontainers/python:{minor(floor_python)}"
    assert Version(minor(floor_python)) >= python_floor()
    # compat.sh resolves the learner's set on that Python.
    assert "--dry-run --ignore-installed -r requirements.txt" in COMPAT


# --- The README's commands, conda and Codespaces -------------------------------------------------

def test_the_readme_has_one_command_to_open_the_series_and_one_to_run_every_test():
    learner = readme_command("requirements.txt")
    tests = readme_command("requirements-test.txt")
    assert learner.endswith("&& jupyter lab notebooks/00_start_here.ipynb")
    assert tests.endswith("&& pytest")
    assert learner.rsplit(" && ", 1)[0].replace("requirements.txt", "requirements-test.txt") == tests.rsplit(" && ", 1)[0]
    assert ".venv\\Scripts\\activate" in README
    assert "File > Save a copy in Drive" in README
    assert "whose badge saves a copy" not in README


def test_the_lecturer_is_told_to_retarget_the_links_first_and_to_check_them():
    lecturers = README[README.index("## For lecturers"):]
    first = lecturers[:lecturers.index("### Figures")]
    assert "python -m course.links --repo OWNER/NAME --ref TAG" in first
    assert "python -m course.links --check" in first


def test_conda_installs_the_learners_set():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip == [{"pip": ["-r requirements.txt"]}] and "pip" in env["dependencies"]
    assert env["channels"] == ["conda-forge"]
    assert f"conda env create -f environment.yml && conda activate {env['name']}" in README


def test_codespaces_runs_the_readmes_install_and_uses_its_environment():
    devcontainer = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    install = readme_command("requirements.txt").rsplit(" && ", 1)[0]
    assert devcontainer["postCreateCommand"] == install
    venv = shlex.split(install)[3]
    settings = devcontainer["customizations"]["vscode"]["settings"]
    assert settings["python.defaultInterpreterPath"] == "${containerWorkspaceFolder}/" + venv + "/bin/python"
    for path in devcontainer["customizations"]["codespaces"]["openFiles"]:
        assert (ROOT / path).is_file(), path


# --- Licences and citation -----------------------------------------------------------------------

def test_the_code_is_mit_and_the_text_and_figures_cc_by_4():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License\n\nCopyright (c) ") and "The rmsprop-series authors" in mit.splitlines()[2]
    assert "Permission is hereby granted, free of charge" in mit
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    content = (ROOT / "LICENSE-CONTENT").read_text(encoding="utf-8")
    marker = "The legal code of CC BY 4.0 follows, unchanged.\n\n"
    notice, legal_code = content.split(marker)
    assert hashlib.sha256(legal_code.encode()).hexdigest() == CC_BY_4_LEGAL_CODE_SHA256
    assert "https://creativecommons.org/licenses/by/4.0/" in notice
    for text in ("[CC BY 4.0](https://creativecommons.org/licenses/by/4.0/)", "(LICENSE-CONTENT)", "[MIT License](LICENSE)"):
        assert text in README


def test_citation_cff_is_valid_cff_1_2_and_agrees_with_the_package():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title"):
        assert isinstance(cff[key], str) and cff[key].strip(), key
    assert cff["authors"] and all(isinstance(a, dict) and (a.get("name") or a.get("family-names")) for a in cff["authors"])
    assert cff["type"] in ("software", "dataset")
    assert cff["title"] == README.splitlines()[0].removeprefix("# ")
    assert cff["version"] == PROJECT["version"]
    assert set(cff["license"]) == {"MIT", "CC-BY-4.0"}
    if "date-released" in cff:
        released = cff["date-released"]
        assert isinstance(released, datetime.date) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", released)
    unknown = set(cff) - {"cff-version", "message", "title", "authors", "type", "version", "license", "abstract",
                          "keywords", "date-released", "repository-code", "url", "doi", "identifiers",
                          "preferred-citation", "references", "contact", "commit", "license-url", "repository"}
    assert not unknown, f"keys CFF 1.2.0 does not define: {unknown}"


def test_the_release_procedure_tags_retargets_and_builds_the_website_and_the_zip():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    release = text[text.index("## Releasing a version"):]
    for command in ("python -m course.links --repo OWNER/NAME --ref vX.Y.Z", "python -m course.links --check",
                    "git tag -a vX.Y.Z", "python tools/build_book.py", "NAME-notebooks.zip"):
        assert command in release, command
    assert (ROOT / "tools" / "build_book.py").is_file()
    assert "CONTRIBUTING.md#releasing-a-version" in README
