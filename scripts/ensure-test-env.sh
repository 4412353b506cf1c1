#!/usr/bin/env bash
# Installs what the full test run needs on a fresh machine of this kind, and nothing when it is there:
# Debian packages (OpenSSH server and systemd-journal-remote, which writes real journal files, for the SSH tests; BusyBox and gawk to check the remote log script and its awk on the toolsets servers have; Chromium and ripgrep for VS Code tests, git; Ruby with sentry-ruby for real Ruby stack frames) and
# code-server (real VS Code) in .tools/. Idempotent; safe to run on every `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(openssh-server openssh-client git chromium ripgrep libkrb5-dev systemd-journal-remote busybox gawk ruby ruby-sentry-ruby)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p /run/sshd 2>/dev/null || true

# code-server (real VS Code 1.100.3 in a browser; 4.100.3 is the newest that runs on Node 20) for the
# integration and e2e suites. It lives in .tools/, outside the project's lockfile, so `npm ci` stays fast.
CODE_SERVER_VERSION=4.100.3
CS_DIR=.tools/code-server
if [ "${SENTRY_RCA_SKIP_CODE_SERVER:-}" != 1 ] && ! grep -qs "\"version\": \"$CODE_SERVER_VERSION\"" "$CS_DIR/node_modules/code-server/package.json"; then
  echo "Installing code-server@$CODE_SERVER_VERSION into $CS_DIR (about 2-4 minutes; native modules build from source)"
  # @vscode/ripgrep would download rg from GitHub, which is unreachable here: seed its cache with Debian's rg.
  RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE"
  [ -f "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ] || \
    tar -C /usr/bin -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
  # Install into a scratch folder and move it into place, so an interrupted install is never taken as done.
  rm -rf "$CS_DIR.partial"
  mkdir -p "$CS_DIR.partial"
  echo '{"name":"sentry-rca-tools","private":true}' > "$CS_DIR.partial/package.json"
  ( cd "$CS_DIR.partial" && npm_config_yes=true npm install "code-server@$CODE_SERVER_VERSION" \
      --unsafe-perm --foreground-scripts --no-audit --no-fund --loglevel=error >install.log 2>&1 ) || {
    echo "code-server install failed; last lines of $CS_DIR.partial/install.log:" >&2
    tail -n 40 "$CS_DIR.partial/install.log" >&2
    exit 1
  }
  rm -rf "$CS_DIR"
  mv "$CS_DIR.partial" "$CS_DIR"
fi
