# lib.sh - shared by the scripts: dependencies, build, MPI environment.
# Sourced, not run.

FS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages fabscale builds, tests and charts with.
FS_PACKAGES=(build-essential cmake pkg-config clang-format
    openmpi-bin libopenmpi-dev libfabric-dev libfabric-bin
    libhwloc-dev hwloc libjansson-dev libcmocka-dev libgsl-dev gnuplot-nox chromium help2man
    clang libclang-rt-14-dev valgrind iproute2 python3 python3-jsonschema jq bc)

fs_log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

# Install what is missing (apt-get; root, or sudo when available).
fs_install_deps() {
    local missing=() p
    for p in "${FS_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo > /dev/null || { fs_log "need root to install: ${missing[*]}"; exit 2; }
        sudo=(sudo)
    fi
    fs_log "installing: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" > /dev/null
}

# fs_build DIR [cmake args...]
fs_build() {
    local dir=$1
    shift
    mkdir -p "$dir"
    cmake -S "$FS_ROOT" -B "$dir" "$@" > "$dir/configure.log" 2>&1 ||
        { cat "$dir/configure.log"; return 1; }
    cmake --build "$dir" -j "$(nproc)"
}

# Open MPI refuses root unless told; CI and containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
