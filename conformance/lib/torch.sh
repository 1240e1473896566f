# Sourced by the conformance scripts that run PyTorch: sets $py to the interpreter that sees Debian's
# torch (and torchvision), installing python3-torch and python3-torchvision when run as root.
py=/usr/bin/python3   # only the system interpreter sees Debian's torch
if ! "$py" -c 'import torch, torchvision' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch python3-torchvision >/dev/null
  else
    echo "$(basename "$0") needs python3-torch and python3-torchvision (apt-get install them as root)" >&2
    exit 1
  fi
fi
