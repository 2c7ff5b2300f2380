#!/usr/bin/env bash
# Installs code-server (a real VS Code served to a browser) into
# ~/.cache/agent-vitals/code-server/<version>/ (or $AGENT_VITALS_CODE_SERVER_CACHE/<version>/), outside
# the checkout so every clone on the machine, CI's included, reuses one install,
# without reaching GitHub: npm packages come from the registry, ripgrep from Debian, and native
# modules are rebuilt locally. Idempotent: a finished install leaves a marker and is reused.
# Needs the `start` packages of .ci/debian-packages (bash .ci/install-system-packages start).
# With --installed it only answers: the package path and status 0 when installed, else status 1.
set -euo pipefail
cd "$(dirname "$0")/.."

version="${CODE_SERVER_VERSION:-4.100.3}"
root="${AGENT_VITALS_CODE_SERVER_CACHE:-$HOME/.cache/agent-vitals/code-server}/$version"
marker="$root/.installed"
pkg="$root/node_modules/code-server"

if [ -f "$marker" ]; then
  echo "$pkg"
  exit 0
fi
if [ "${1:-}" = "--installed" ]; then exit 1; fi

log() { echo "[code-server $version] $*" >&2; }
# The installs below run outside this project, where its .npmrc does not silence npm's notice.
export npm_config_update_notifier=false
rg_bin="$(command -v rg || true)"
if [ -z "$rg_bin" ]; then
  echo "ripgrep (rg) not found: install it with: sudo bash .ci/install-system-packages start" >&2
  exit 1
fi

rm -rf "$root"
mkdir -p "$root"
cd "$root"
echo '{"name":"code-server-cache","private":true}' > package.json

log "fetching the package (install scripts off: they download from GitHub)"
npm install --ignore-scripts --no-audit --no-fund --loglevel=error "code-server@$version" >&2

cd "$pkg/lib/vscode"
log "installing VS Code's runtime dependencies"
npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2
# @vscode/ripgrep's post-install skips its GitHub download when bin/ already exists.
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$rg_bin" node_modules/@vscode/ripgrep/bin/rg
log "rebuilding native modules"
# The rebuilds are the install scripts: they must run even under `npm start` / `npm test`, which
# pass this project's ignore-scripts=true down as npm_config_ignore_scripts.
npm_config_yes=true npm rebuild --ignore-scripts=false --no-audit --no-fund --loglevel=error >&2
# What code-server's own post-install does: the asar path resolves to the plain folder, and the
# remote CLI / browser helper get their Linux scripts linked.
ln -sfn node_modules node_modules.asar
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh
log "installing built-in extensions' dependencies"
(cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >&2)

# code-server's own dependencies were installed beside it by the first npm install.
cd "$root"
log "building argon2 from source"
npm_config_build_from_source=true npm rebuild argon2 --ignore-scripts=false --loglevel=error >&2

# A module whose build silently did nothing would only fail when the editor starts: load each
# native module now, and leave no marker unless all of them load.
vs="$pkg/lib/vscode/node_modules"
for module in "$root/node_modules/argon2" "$vs/kerberos" "$vs/@vscode/spdlog" "$vs/node-pty" "$vs/native-watchdog"; do
  if ! node -e 'require(process.argv[1])' "$module" >/dev/null 2>&1; then
    log "the native module $module does not load after the build (its build output is above)"
    exit 1
  fi
done
touch "$marker"
log "ready"
echo "$pkg"
