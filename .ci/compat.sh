#!/usr/bin/env bash
# Colab-stack compatibility run: nbval over every notebook a second time, in a fresh venv on
# Python 3.10 with Colab's versions of numpy, matplotlib and ipywidgets, and the package installed
# (not editable) against its dependency floors. The stored outputs must pass unchanged.
#
#   .ci/compat.sh                  # fresh venv in a temporary folder, removed afterwards
#   COMPAT_VENV=/tmp/cv .ci/compat.sh   # reuse (or create) this venv, keep it
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

COLAB_PINS="numpy==2.1.3 matplotlib==3.10.0 ipywidgets==7.7.1"
PY=${COMPAT_PYTHON:-3.10.13}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${COMPAT_VENV:-$work/venv}

if [ ! -x "$venv/bin/python" ]; then
    # pyenv's python3.10 shim only runs with PYENV_VERSION set; a plain python3.10 works too.
    if PYENV_VERSION=$PY python3.10 -c 'import sys' 2>/dev/null; then
        PYENV_VERSION=$PY python3.10 -m venv "$venv"
    else
        python3.10 -m venv "$venv"
    fi
fi
"$venv/bin/python" --version

printf '%s\n' $COLAB_PINS > "$work/colab-constraints.txt"
# Build from a clean copy so the checkout gets no build/ or *.egg-info folders.
mkdir "$work/src"
cp -r pyproject.toml README.md rmsprop_lib "$work/src/"
rm -rf "$work/src/rmsprop_lib/__pycache__"
"$venv/bin/python" -m pip install -q --disable-pip-version-check \
    -c "$work/colab-constraints.txt" $COLAB_PINS "$work/src" nbval pytest ipykernel jupyter 2>&1 \
    | { grep -v '^WARNING: Location .* is ignored' || true; }
# A reused venv may hold an older build of the package: replace it.
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall "$work/src" 2>&1 \
    | { grep -v '^WARNING: Location .* is ignored' || true; }
# Outside the checkout, so the import below finds the installed copy.
(cd "$work" && "$venv/bin/python" - <<'PY'
import importlib.metadata as md
import sys
print("compat stack: python", sys.version.split()[0], *(f"{p} {md.version(p)}" for p in
      ("numpy", "matplotlib", "ipywidgets", "rmsprop_lib", "nbval", "pytest", "ipykernel")))
import rmsprop_lib
assert "site-packages" in rmsprop_lib.__file__, f"rmsprop_lib imported from {rmsprop_lib.__file__}, not the install"
PY
)
echo "compat: install took $((SECONDS - start)) s"

t0=$SECONDS
# The pytest script (not python -m pytest, which would put the checkout on sys.path); each kernel
# starts in notebooks/, so the notebooks import the installed package.
status=0
"$venv/bin/pytest" notebooks "$@" || status=$?
echo "compat: nbval took $((SECONDS - t0)) s, stage total $((SECONDS - start)) s"
exit $status
