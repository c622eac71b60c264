#!/bin/bash
# Build an environment from binder/ alone, the way repo2docker would but without Docker, then
# execute every notebook in it. Catches pins that do not install together, a postBuild that
# fails, and a lesson that needs a package binder/requirements.txt forgot.
#
#   tools/binder_env.sh [WORKDIR]      (default: a new temporary folder; needs the internet
#                                       for PyPI, and runtime.txt's python3.X on PATH)
#
# What it does not do: repo2docker's own Jupyter base image
# (Ubuntu 24.04 and a conda environment with its own JupyterLab, which the pins then replace).
# Without the internet, postBuild's dataset downloads (its last steps) fail; the script says so
# and goes on, and the notebooks then run on the offline 5,000-digit MNIST sample.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(realpath -m "${1:-$(mktemp -d -t binder-env-XXXX)}")
mkdir -p "$work"
version=$(sed -n 's/^python-\([0-9.]*\)$/\1/p' "$root/binder/runtime.txt")
python=$(command -v "python$version") || {
    echo "binder/runtime.txt asks for Python $version: python$version is not on PATH" >&2
    exit 2
}
step() { printf '\n== %s\n' "$*"; }

step "fresh Python $version environment in $work/env"
rm -rf "$work/env" "$work/repo" "$work/home" "$work/out"
"$python" -m venv "$work/env"
export PATH="$work/env/bin:$PATH" HOME="$work/home"  # no user site, no Keras cache from here
mkdir -p "$HOME"
python -m pip install --quiet --upgrade pip

step "pip install -r binder/requirements.txt"
python -m pip install --quiet --no-cache-dir -r "$root/binder/requirements.txt"
python -m pip check

step "the repository as git tracks it, then binder/postBuild"
mkdir -p "$work/repo"
(cd "$root" && git ls-files -z | xargs -0 cp --parents -t "$work/repo")
if ! (cd "$work/repo" && bash binder/postBuild); then
    echo "postBuild failed: expected only where the datasets cannot be downloaded (no internet)." >&2
    python -c "import course_utils" || exit 1  # the install step itself must have worked
fi

step "JupyterLab sees the widget and proxy extensions"
jupyter labextension list 2>&1 | grep -E "jupyter-widgets|ipycanvas"
jupyter server extension list 2>&1 | grep -E "jupyter_server_proxy.*enabled"

step "execute every notebook"
cd "$work/repo/notebooks"
failed=0
for notebook in [0-9][0-9]_*.ipynb exercises/[0-9][0-9]_*.ipynb; do
    start=$SECONDS
    # Through binder/start, as on Binder, with Binder's 1-CPU limit.
    if CPU_LIMIT=${CPU_LIMIT:-1} "$work/repo/binder/start" jupyter nbconvert --to notebook \
        --execute --ExecutePreprocessor.timeout=1800 --output-dir "$work/out/$(dirname "$notebook")" \
        "$notebook" >"$work/out.log" 2>&1; then
        echo "ok      $notebook ($((SECONDS - start)) s)"
    else
        echo "FAILED  $notebook: $(grep -m1 -E 'Error|error' "$work/out.log")"
        failed=1
    fi
done
exit $failed
