#!/usr/bin/env bash
# Installs the Debian programs behind the science models (models/xtb-gfn2, mopac-*,
# vina-1iep, rdkit-qed). Idempotent: packages already installed are left alone and
# `apt-get update` runs only when something is missing.
#
#   bash scripts/install-science-models.sh        (npm run models:science)
set -euo pipefail

PACKAGES=(xtb mopac autodock-vina openbabel python3-rdkit)
# What each model needs on PATH once installed (the manifests' "requires").
PROGRAMS=(xtb mopac vina obabel /usr/bin/python3)

die() {
  echo "install-science-models: $*" >&2
  exit 1
}

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs a Debian/Ubuntu system. Install ${PACKAGES[*]} with your package manager instead."
command -v dpkg-query >/dev/null 2>&1 || die "dpkg-query not found: this script needs a Debian/Ubuntu system."

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = "installed" ]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-science-models: already installed: ${PACKAGES[*]}"
else
  [ "$(id -u)" -eq 0 ] || die "must run as root to install ${missing[*]} (try: sudo bash $0)"
  export DEBIAN_FRONTEND=noninteractive
  echo "install-science-models: installing ${missing[*]}"
  started=$(date +%s)
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
  echo "install-science-models: installed ${missing[*]} in $(($(date +%s) - started)) s"
fi

for program in "${PROGRAMS[@]}"; do
  if [[ "$program" == */* ]]; then
    [ -x "$program" ] || die "$program is missing after installation"
  else
    command -v "$program" >/dev/null 2>&1 || die "$program is not on PATH after installation"
  fi
done
/usr/bin/python3 -c 'from rdkit.Chem import QED' 2>/dev/null || die "/usr/bin/python3 cannot import rdkit.Chem.QED after installation"
for pkg in "${PACKAGES[@]}"; do
  echo "  $pkg $(dpkg-query -W -f='${Version}' "$pkg")"
done
