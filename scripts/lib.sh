# lib.sh - shared by the scripts: dependencies, build, MPI environment.
# Sourced, not run.

FS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages fabscale builds, tests and charts with.
FS_PACKAGES=(build-essential cmake pkg-config clang-format
    openmpi-bin libopenmpi-dev libfabric-dev libfabric-bin
    libhwloc-dev hwloc libjansson-dev libcmocka-dev libgsl-dev gnuplot-nox chromium help2man
    clang libclang-rt-14-dev valgrind iproute2 python3 python3-jsonschema jq bc)

# The same for RHEL, Rocky and Fedora (dnf). cmocka, chromium and help2man come
# from CRB / EPEL on RHEL-likes; Open MPI installs its programs under
# /usr/lib64/openmpi (fs_mpi_path puts them on PATH).
FS_PACKAGES_DNF=(gcc make cmake pkgconf-pkg-config clang-tools-extra
    openmpi openmpi-devel libfabric libfabric-devel hwloc hwloc-devel jansson-devel
    libcmocka-devel gsl-devel gnuplot chromium help2man
    clang compiler-rt valgrind iproute python3 python3-jsonschema jq bc)

fs_log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

fs_sudo() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo > /dev/null; then
        sudo "$@"
    else
        fs_log "need root to run: $*"
        exit 2
    fi
}

fs_mpi_path() {
    [ -d /usr/lib64/openmpi/bin ] && case ":$PATH:" in
        *:/usr/lib64/openmpi/bin:*) ;;
        *) export PATH=/usr/lib64/openmpi/bin:$PATH ;;
    esac
    return 0
}

# Install what is missing: apt-get (Debian, Ubuntu), else dnf (RHEL, Rocky,
# Fedora); root, or sudo when available.
fs_install_deps() {
    local missing=() p
    if command -v apt-get > /dev/null; then
        for p in "${FS_PACKAGES[@]}"; do
            dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
                missing+=("$p")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        fs_log "installing: ${missing[*]}"
        fs_sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive fs_sudo apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" > /dev/null
    elif command -v dnf > /dev/null; then
        for p in "${FS_PACKAGES_DNF[@]}"; do
            rpm -q "$p" > /dev/null 2>&1 || missing+=("$p")
        done
        if [ ${#missing[@]} -gt 0 ]; then
            fs_log "installing: ${missing[*]}"
            # RHEL-likes: cmocka is in CRB, chromium and help2man in EPEL (Fedora has all)
            if [ -r /etc/redhat-release ] && ! grep -qi fedora /etc/redhat-release; then
                fs_sudo dnf install -y -q dnf-plugins-core epel-release > /dev/null 2>&1 || true
                fs_sudo dnf config-manager --set-enabled crb > /dev/null 2>&1 || true
            fi
            fs_sudo dnf install -y -q "${missing[@]}" > /dev/null
        fi
        fs_mpi_path
    else
        fs_log "neither apt-get nor dnf: install by hand: ${FS_PACKAGES[*]} (README: Manual build)"
        exit 2
    fi
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

# Open MPI on RHEL-likes lives outside PATH until its module is loaded.
fs_mpi_path

# Open MPI refuses root unless told; CI and containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
