#!/usr/bin/env bash
# Installs the PyTorch peer's runtime: Debian's python3-torch (CPU) and the pthread OpenBLAS it
# needs for a usable matrix-product rate (without libopenblas0-pthread, Debian's torch falls back
# to reference BLAS at ~5 GFLOP/s instead of ~145). Needs root (or sudo). Idempotent.
#
#   bash benchmarks/peer/install.sh
#
# The peer must then be run with /usr/bin/python3 (not a pyenv/venv python, which does not see
# Debian's dist-packages).
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends python3-torch libopenblas0-pthread
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__, "from", torch.__file__)'
