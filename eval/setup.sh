#!/usr/bin/env bash
# Creates eval/.venv with the pinned packages of eval/requirements.txt.
# Needs Python 3.11 (set PYTHON to choose another interpreter) and access to PyPI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="${PYTHON:-python3.11}"
"$python" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || { echo "eval/setup.sh: $python is not Python 3.11" >&2; exit 2; }
"$python" -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet --no-deps -r "$here/requirements.txt"
"$here/.venv/bin/pip" check
echo "eval/.venv ready: $("$here/.venv/bin/python" --version)"
