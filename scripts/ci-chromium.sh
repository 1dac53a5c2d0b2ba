#!/usr/bin/env bash
# Debian's Chromium for the `browser` vitest project (apps/*/test/**/*.browser.test.ts), which drives
# it with playwright-core (no browser download from a CDN).
#
#   scripts/ci-chromium.sh && pnpm exec vitest run --project browser
#
# On Debian/Ubuntu as root (or with sudo): installs the `chromium` package with apt-get when
# /usr/bin/chromium is missing. Idempotent. Tests use MLPROJECT_TEST_CHROMIUM when set instead.
set -euo pipefail
say() { echo "ci-chromium: $*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ -x /usr/bin/chromium ]; then
  say "found $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  say "no /usr/bin/chromium and no apt-get: install Chromium and set MLPROJECT_TEST_CHROMIUM to it"
  exit 1
fi
say "installing Debian's chromium with apt-get"
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
say "installed $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
