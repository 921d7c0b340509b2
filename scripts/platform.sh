# What scripts/test needs to know about the machine it runs on, as functions with no side effects (they
# install nothing), so tests/test_scripts.py can run them with a PATH of its own making.
# Sourced by scripts/test; expects $PYTHON (the virtual environment's python).

# The pip arguments that fetch PyTorch's CPU build. PyPI's Linux wheel of torch is the multi-gigabyte
# CUDA build; PyTorch's own CPU index has a "+cpu" build that satisfies torch==X.Y.Z and sorts above it.
# macOS and Windows wheels on PyPI are CPU builds already. A machine whose pip is configured with its own
# index or wheel folder (a mirror, an offline wheelhouse) keeps it unchanged: it already chose.
# CONVSCOPE_TORCH_INDEX overrides the choice ("" for none).
torch_index_args() {
    if [ "${CONVSCOPE_TORCH_INDEX+set}" = set ]; then
        if [ -n "$CONVSCOPE_TORCH_INDEX" ]; then echo "--extra-index-url $CONVSCOPE_TORCH_INDEX"; fi
        return 0
    fi
    [ "$(uname -s)" = Linux ] || return 0
    if [ -n "${PIP_INDEX_URL:-}${PIP_EXTRA_INDEX_URL:-}${PIP_FIND_LINKS:-}" ]; then
        return 0
    fi
    if "$PYTHON" -m pip config list 2>/dev/null | grep -Eq '^[a-z:]*\.(index-url|extra-index-url|find-links)='; then
        return 0
    fi
    echo "--extra-index-url https://download.pytorch.org/whl/cpu"
}

# The chromium the browser tests will drive, the same order tests/e2e/conftest.py looks in: Debian's
# (CONVSCOPE_CHROMIUM, by default /usr/bin/chromium), else Playwright's own download if present. Prints
# the path, or nothing when there is neither.
find_chromium() {
    local debian="${CONVSCOPE_CHROMIUM:-/usr/bin/chromium}"
    if [ -x "$debian" ]; then
        echo "$debian"
        return 0
    fi
    "$PYTHON" - 2>/dev/null <<'PY' || true
import os
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    path = p.chromium.executable_path
if os.path.exists(path):
    print(path)
PY
}

# Whether pytest's arguments leave the browser tests out (`-m "not e2e"`): then no browser is needed.
skips_browser_tests() {
    local previous=""
    for arg in "$@"; do
        if [ "$previous" = "-m" ] && [[ "$arg" == *"not e2e"* ]]; then return 0; fi
        [[ "$arg" == -m*"not e2e"* ]] && return 0
        previous="$arg"
    done
    return 1
}

# The cores this process may use: those it may run on (nproc; getconf on macOS), fewer when a container's
# CPU quota (cgroup v2 cpu.max, e.g. `docker run --cpus 2` on a 64-core host) allows less.
usable_cores() {
    local cores quota period
    cores="$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
    if read -r quota period 2>/dev/null <"${CONVSCOPE_CPU_MAX:-/sys/fs/cgroup/cpu.max}" \
        && [ "$quota" != max ] && [ "${period:-0}" -gt 0 ] 2>/dev/null; then
        quota=$(( (quota + period - 1) / period ))
        [ "$quota" -ge "$cores" ] || cores="$quota"
    fi
    echo "$cores"
}

# The pytest arguments that spread the tests over pytest-xdist workers, as CONVSCOPE_TEST_WORKERS asks:
# unset or 1, none (every test in pytest's own process, as `--pdb` needs); N, `-n N`; `auto`, one worker
# per usable core, at most 4 (each worker that runs browser tests starts its own server and chromium).
# Off by default: on the shared 2-core machine every run measured with 2 workers took longer than in one
# process (no idle core to gain, +20-40% CPU for the workers' imports, servers and browsers).
# Nothing when pytest's arguments already choose (`-n`, `--numprocesses`, `-p no:xdist`).
xdist_args() {
    local workers="${CONVSCOPE_TEST_WORKERS:-1}"
    if [ "$workers" = auto ]; then
        workers="$(usable_cores)"
        [ "$workers" -le 4 ] 2>/dev/null || workers=4
    fi
    local previous=""
    for arg in "$@"; do
        case "$arg" in
            -n|-n[0-9]*|--numprocesses|--numprocesses=*|-pno:xdist) return 0 ;;
        esac
        if [ "$previous" = "-p" ] && [ "$arg" = "no:xdist" ]; then return 0; fi
        previous="$arg"
    done
    if [ "$workers" -gt 1 ] 2>/dev/null; then echo "-n $workers"; fi
}
