#!/usr/bin/env bash
# Takes a headless-Chromium screenshot of a run (or comparison) folder's report.html, to check
# by eye that the report opens offline and its embedded figures render.
#
# Usage: scripts/report-screenshot.sh <run-dir> [out.png]
#   out.png defaults to <run-dir>/report-screenshot.png.
#
# Needs Debian's `chromium` package; installs it with apt-get when it is absent and this user
# may. When Chromium cannot be installed, prints why and exits 0, so CI without it skips
# rather than fails. Exit 2 on bad arguments, 1 when Chromium ran but wrote no image.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  [[ $# -ge 1 && ( "$1" == "-h" || "$1" == "--help" ) ]] && exit 0
  exit 2
fi

run_dir=$1
report="$run_dir/report.html"
if [[ ! -f "$report" ]]; then
  echo "error: $report not found; pass a folder written by 'simulator run', 'report' or 'compare'" >&2
  exit 2
fi
report=$(cd "$(dirname "$report")" && pwd)/report.html
out=${2:-$run_dir/report-screenshot.png}
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

find_chromium() {
  command -v chromium || command -v chromium-browser || true
}

browser=$(find_chromium)
if [[ -z "$browser" ]]; then
  # Only root (or passwordless sudo) can install; anything else is a skip, not a failure.
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo="none"; fi
  fi
  if [[ "$sudo" != "none" ]] && command -v apt-get >/dev/null; then
    echo "chromium not found; installing the Debian package (apt-get install -y chromium)..." >&2
    if ! ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium) >&2; then
      echo "skip: could not install chromium (no network or no package); no screenshot taken" >&2
      exit 0
    fi
    browser=$(find_chromium)
  fi
  if [[ -z "$browser" ]]; then
    echo "skip: chromium is not installed and cannot be installed here (needs apt-get as root); no screenshot taken" >&2
    exit 0
  fi
fi

# A fresh profile per run, so no earlier state (or another Chromium) interferes; removed on exit.
profile=$(mktemp -d "${TMPDIR:-/tmp}/report-screenshot-profile.XXXXXX")
trap 'rm -rf "$profile"' EXIT
rm -f "$out"

# The report is self-contained, so every network feature is switched off; --no-sandbox because
# containers usually lack the namespaces Chromium's sandbox needs.
timeout 120 "$browser" \
  --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" \
  --window-size=1280,2400 --screenshot="$out" "file://$report" >/dev/null 2>"$profile/chromium.log" || true

if [[ ! -s "$out" ]]; then
  echo "error: chromium wrote no screenshot; its log:" >&2
  tail -n 20 "$profile/chromium.log" >&2 || true
  exit 1
fi
echo "$out"
