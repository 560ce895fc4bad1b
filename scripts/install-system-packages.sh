#!/usr/bin/env bash
# Installs the Debian packages Teilhabe needs and the machine lacks: Chromium for browser tests, Pango and
# HarfBuzz for WeasyPrint, fonts that cover Latin, Cyrillic and Arabic for decision letters, gettext for the
# language catalogues, Node.js and npm for the KERN UX design system, PostgreSQL and Redis for the CI run.
set -euo pipefail

packages=(chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core gettext)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
if [ "${WITH_SERVICES:-0}" = 1 ]; then
  command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
  command -v pg_ctlcluster >/dev/null 2>&1 || packages+=(postgresql)
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "Please install these packages as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
