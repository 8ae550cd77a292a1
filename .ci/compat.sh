#!/usr/bin/env bash
# Colab-stack compatibility: every notebook runs again under nbval, in fresh venvs that copy Google
# Colab's runtimes, with rmsprop_lib installed from a built package (not editable) against its
# dependency floors. The stored outputs must pass unchanged. Two configurations:
#
#   colab   Colab's current runtime: Python 3.13, numpy 2.1.3, matplotlib 3.10.0, ipywidgets 7.7.1,
#           ipykernel 6.17.1, ipython 7.34.0 (and Colab's jupyter_client, traitlets, notebook, ...);
#           the package is built as pip builds it on Colab (build isolation, the newest setuptools).
#   floor   Colab's older runtime (Python 3.12, numpy 2.0.2), whose numpy, matplotlib and ipywidgets
#           are the package's floors in pyproject.toml (read from there). The package is built with
#           the lowest setuptools pyproject.toml allows. On this Python (Binder's, conda's and
#           Codespaces'), requirements.txt must resolve with pip.
#
# Each configuration also runs the unit tests that depend on what it changes: the floor one those of
# the package's numerics (numpy is the one package that differs), the colab one those of the
# plotting and the playground (matplotlib 3.10 and ipywidgets 7 are the same in both). The two run
# side by side (each mostly keeps one core busy).
#
#   .ci/compat.sh                       # both configurations, side by side, in fresh venvs
#   .ci/compat.sh floor                 # one of them
#   .ci/compat.sh colab -- -k "not 07"  # arguments after -- go to pytest
#   COMPAT_VENVS=/tmp/cv .ci/compat.sh  # reuse (or create) venvs in /tmp/cv/<name>, keep them
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS=0

# Colab's runtimes (googlecolab/backend-info: pip-freeze.txt and os-info.txt, August 2026).
COLAB_PYTHON=3.13.0
COLAB_PINS="numpy==2.1.3 matplotlib==3.10.0 ipywidgets==7.7.1"
FLOOR_PYTHON=3.12.1
COLAB_OLDER_PINS="numpy==2.0.2 matplotlib==3.10.0 ipywidgets==7.7.1"
# The kernel side of both runtimes (the same in both).
COLAB_KERNEL="ipykernel==6.17.1 ipython==7.34.0 jupyter_client==7.4.9 traitlets==5.7.1 notebook==6.5.7
widgetsnbextension==3.6.10 pyzmq==26.2.1 tornado==6.5.7"
# Unit tests per configuration (see above). The floor one runs every file in tests/ but these, those
# about the repository rather than the package, and the browser tests (they need Playwright).
COLAB_TESTS="tests/test_plotting.py tests/test_widgets.py"
NOT_FLOOR_TESTS="$COLAB_TESTS tests/browser tests/test_packaging.py tests/test_links.py tests/test_notebook_hygiene.py
tests/test_slides.py tests/test_figures.py tests/test_book.py"

configs=()
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        colab|floor) configs+=("$1") ;;
        --) shift; pytest_args=("$@"); break ;;
        *) echo "compat: unknown argument '$1' (allowed: colab, floor, then -- and pytest arguments)" >&2; exit 2 ;;
    esac
    shift
done
[ ${#configs[@]} -gt 0 ] || configs=(colab floor)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The debugger in Colab's ipykernel warns at every kernel start that Python's modules are frozen.
export PYDEVD_DISABLE_FILE_VALIDATION=1
quiet() { grep -v -e '^WARNING: Location .* is ignored' -e '^\[notice\]' || true; }

# What the repository declares, read once: the floors, the setuptools floor, the test tools' pins.
"${PYTHON:-python3}" - "$work/declared.sh" <<'PY'
import re
import sys
import tomllib

with open("pyproject.toml", "rb") as f:
    project = tomllib.load(f)
floors = []
for dep in project["project"]["dependencies"]:
    m = re.fullmatch(r"([A-Za-z0-9_.-]+)>=([0-9.]+)(,<[0-9.]+)?", dep.replace(" ", ""))
    if not m:
        sys.exit(f"compat: pyproject dependency {dep!r} is not 'name>=floor' (or 'name>=floor,<cap')")
    floors.append(f"{m[1]}=={m[2]}")
(setuptools,) = [r for r in project["build-system"]["requires"] if r.startswith("setuptools")]
m = re.fullmatch(r"setuptools>=([0-9.]+)", setuptools.replace(" ", ""))
if not m:
    sys.exit(f"compat: build requirement {setuptools!r} is not 'setuptools>=floor'")
tools = {}
for line in open("requirements-test.txt", encoding="utf-8"):
    name, _, version = line.split("#")[0].strip().partition("==")
    if version:
        tools[name.lower()] = f"{name}=={version}"
with open(sys.argv[1], "w") as out:
    out.write(f'FLOOR_PINS="{" ".join(floors)}"\n')
    out.write(f'SETUPTOOLS_FLOOR="setuptools=={m[1]}"\n')
    out.write(f'TEST_TOOLS="{tools["nbval"]} {tools["pytest"]} {tools["hypothesis"]} {tools["pyyaml"]}"\n')
PY
. "$work/declared.sh"
if [ "$(printf '%s\n' $FLOOR_PINS | sort)" != "$(printf '%s\n' $COLAB_OLDER_PINS | sort)" ]; then
    echo "compat: the package's floors in pyproject.toml ($FLOOR_PINS) must be Colab's older runtime" \
         "($COLAB_OLDER_PINS): higher, Colab's setup cell would replace packages there; lower, untested" >&2
    exit 1
fi

# A clean copy of what the package is built from, so the checkout gets no build/ or *.egg-info.
mkdir "$work/src"
cp -r pyproject.toml README.md LICENSE requirements.txt rmsprop_lib "$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +

make_venv() {  # make_venv PYTHON_VERSION DIR
    local version=$1 dir=$2 minor=${1%.*}
    [ -x "$dir/bin/python" ] && return 0
    # pyenv's python3.X shim only runs with PYENV_VERSION set; a plain python3.X works too.
    if PYENV_VERSION=$version "python$minor" -c 'import sys' 2>/dev/null; then
        PYENV_VERSION=$version "python$minor" -m venv "$dir"
    else
        "python$minor" -m venv "$dir"
    fi
}

run_config() {  # run_config NAME: install, check, then the tests; prints its timings
    local name=$1 start=$SECONDS t0 python pins venv status=0
    if [ "$name" = colab ]; then python=$COLAB_PYTHON; pins="$COLAB_PINS"; else python=$FLOOR_PYTHON; pins="$FLOOR_PINS"; fi
    venv=${COMPAT_VENVS:+$COMPAT_VENVS/$name}
    venv=${venv:-$work/venv-$name}
    make_venv "$python" "$venv"
    local src=$work/src-$name
    cp -r "$work/src" "$src"
    local pip=("$venv/bin/python" -m pip --disable-pip-version-check)
    mkdir -p "$work/dist-$name"
    if [ "$name" = floor ]; then
        # Built with the lowest setuptools the package declares (no build isolation).
        "${pip[@]}" install -q --no-compile "$SETUPTOOLS_FLOOR" 2>&1 | quiet
        (cd "$src" && "${pip[@]}" wheel -q --no-build-isolation --no-deps -w "$work/dist-$name" . 2>&1 | quiet)
    else
        # Built as pip builds it on Colab from the repository (build isolation, the newest setuptools).
        (cd "$src" && "${pip[@]}" wheel -q --no-deps -w "$work/dist-$name" . 2>&1 | quiet)
    fi
    rm -rf "$src/build" "$src"/*.egg-info
    # One install under the runtime's versions as constraints: a package floor above them fails here
    # (no version satisfies both) instead of replacing Colab's numpy. A reused venv gets the new build.
    # --no-compile: Python then compiles only what the tests import, not all of Jupyter.
    printf '%s\n' $pins $COLAB_KERNEL > "$work/$name-constraints.txt"
    "${pip[@]}" uninstall -q -y rmsprop_lib 2>&1 | { grep -v "not installed" || true; }
    "${pip[@]}" install -q --no-compile -c "$work/$name-constraints.txt" $pins $COLAB_KERNEL $TEST_TOOLS \
        "$work/dist-$name"/*.whl 2>&1 | quiet
    "${pip[@]}" check

    # Outside the checkout, so the import below finds the installed copy.
    (cd "$work" && "$venv/bin/python" - $pins $COLAB_KERNEL <<'PY'
import importlib.metadata as md
import sys

wanted = dict(pin.split("==") for pin in sys.argv[1:])
wrong = [f"{name} {md.version(name)} (wanted {version})" for name, version in wanted.items() if md.version(name) != version]
assert not wrong, f"the environment is not the one configured: {', '.join(wrong)}"
import rmsprop_lib
assert "site-packages" in rmsprop_lib.__file__, f"rmsprop_lib imported from {rmsprop_lib.__file__}, not the install"
print("stack: python", sys.version.split()[0], *(f"{p} {md.version(p)}" for p in
      ("numpy", "matplotlib", "ipywidgets", "ipykernel", "ipython", "rmsprop_lib", "setuptools", "nbval", "pytest")))
PY
    )
    echo "install took $((SECONDS - start)) s"

    local resolve_pid="" unit_tests=()
    if [ "$name" = floor ]; then
        # conda's, Binder's and Codespaces' Python: the learner's set resolves there (nothing is
        # installed), in the background while the tests run.
        (cd "$src" && "${pip[@]}" install -q --dry-run --ignore-installed -r requirements.txt > "$work/resolve.log" 2>&1) &
        resolve_pid=$!
        unit_tests=(tests)
        for path in $NOT_FLOOR_TESTS; do unit_tests+=("--ignore=$path"); done
        # Regenerating the reference data needs PyTorch, which the main stage has and Colab's stack does not.
        unit_tests+=("--deselect=tests/test_reference.py::test_regenerated_reference_matches_the_committed_file")
        # Learner functions that return PyTorch tensors, likewise.
        unit_tests+=(-m "not torch")
    else
        unit_tests=($COLAB_TESTS)
    fi
    t0=$SECONDS
    # One pytest run, the unit tests then the notebooks. The pytest script (not python -m pytest, which
    # would put the checkout on sys.path); each kernel starts in notebooks/, so the notebooks import
    # the installed package.
    env -u RMSPROP_REQUIRE_BROWSER -u RMSPROP_REQUIRE_BOOK "$venv/bin/pytest" "${unit_tests[@]}" notebooks -q \
        -W ignore::DeprecationWarning ${pytest_args[@]+"${pytest_args[@]}"} || status=$?
    echo "tests took $((SECONDS - t0)) s"
    if [ -n "$resolve_pid" ]; then
        if wait "$resolve_pid"; then
            echo "requirements.txt resolves on Python $python"
        else
            quiet < "$work/resolve.log"; echo "requirements.txt does not resolve on Python $python"; status=1
        fi
    fi
    echo "$name total $((SECONDS - start)) s"
    return $status
}

pids=()
for name in "${configs[@]}"; do
    # Side by side (each is mostly one busy core), each line prefixed with its configuration.
    run_config "$name" > >(sed -u "s/^/[$name] /") 2>&1 &
    pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
        result="passed"
    else
        result="FAILED"; status=1
    fi
    results+=("${configs[$i]} $result")
done
sleep 0.2  # let the prefixing finish its last lines
echo "compat: ${results[*]}; stage total $((SECONDS)) s"
exit $status
