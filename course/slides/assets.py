"""The files an offline deck needs: reveal.js, require.js, jQuery and MathJax from npm, fetched once."""
import os
import shutil
import subprocess
from pathlib import Path

#: npm packages an offline deck needs (versions nbconvert 7's reveal template is written for).
ASSET_PACKAGES = ("reveal.js@4.0.2", "requirejs@2.3.7", "jquery@3.7.1", "mathjax@2.7.9")

#: Parts of the npm packages copied next to offline decks: (source in node_modules, target in _assets).
_ASSET_FILES = (
    ("reveal.js/dist", "reveal.js/dist"),
    ("reveal.js/plugin/notes", "reveal.js/plugin/notes"),
    ("requirejs/require.js", "require.js"),
    ("jquery/dist/jquery.min.js", "jquery.min.js"),
    ("mathjax/MathJax.js", "mathjax/MathJax.js"),
    ("mathjax/config", "mathjax/config"),
    ("mathjax/extensions", "mathjax/extensions"),
    ("mathjax/jax/input/TeX", "mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "mathjax/jax/element"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "mathjax/fonts/HTML-CSS/TeX/woff"),
)


def _cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rmsprop_lib" / "slide-assets"


def fetch_assets(dest=None):
    """Install the npm packages of ``ASSET_PACKAGES`` into ``dest`` (once) and return ``dest``."""
    dest = Path(dest or _cache_dir())
    if _has_assets(dest):
        return dest
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "--offline needs the reveal.js, require.js, jQuery and MathJax files: install npm, or run "
            f"'npm install --prefix DIR {' '.join(ASSET_PACKAGES)}' elsewhere and pass --assets DIR")
    dest.mkdir(parents=True, exist_ok=True)
    print(f"fetching {' '.join(ASSET_PACKAGES)} into {dest} (once)", flush=True)
    result = subprocess.run([npm, "install", "--prefix", str(dest), "--no-audit", "--no-fund", "--silent",
                             *ASSET_PACKAGES], capture_output=True, text=True)
    if result.returncode != 0 or not _has_assets(dest):
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise RuntimeError(f"'npm install {' '.join(ASSET_PACKAGES)}' failed (exit {result.returncode})"
                           + (f": {detail[-1]}" if detail else "") + "; pass --assets DIR with the packages instead")
    return dest


def _modules(assets):
    assets = Path(assets)
    return assets / "node_modules" if (assets / "node_modules").is_dir() else assets


def _has_assets(assets):
    modules = _modules(assets)
    return all((modules / src).exists() for src, _ in _ASSET_FILES)


def _check_assets(assets):
    modules = _modules(assets)
    missing = [src for src, _ in _ASSET_FILES if not (modules / src).exists()]
    if missing:
        raise ValueError(f"assets must hold the npm packages {', '.join(ASSET_PACKAGES)}; "
                         f"missing in {modules}: {', '.join(missing)}")
    return modules


def copy_assets(assets, out):
    """Copy the files an offline deck needs from ``assets`` into ``out/_assets``."""
    modules = _check_assets(assets)
    target = Path(out) / "_assets"
    for src, dst in _ASSET_FILES:
        src, dst = modules / src, target / dst
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    return target
