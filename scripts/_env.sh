# Sourced by the set-up scripts: make .venv and install watchfloor into it, once per change
# of pyproject.toml (a stamp file remembers what was installed). The optional dependencies
# to add come from WATCHFLOOR_SETUP_EXTRAS (scripts/test sets "test"), never from the
# arguments, which belong to the script that sources this one (scripts/demo --no-serve).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
EXTRAS="${WATCHFLOOR_SETUP_EXTRAS:-}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
fi
stamp=".venv/.watchfloor-installed${EXTRAS:+-$EXTRAS}"
want="$(sha256sum pyproject.toml | cut -c1-64)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing watchfloor${EXTRAS:+[$EXTRAS]} into .venv (first run takes a few minutes)..." >&2
  # torch first, pinned: 2.13.0 is the CPU build these machines keep on disk. Installed
  # before watchfloor so that no dependency can make pip choose another torch (any other
  # version downloads gigabytes of CUDA packages). pyproject.toml pins the same version.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${EXTRAS:+[$EXTRAS]}"
  echo "$want" > "$stamp"
fi
