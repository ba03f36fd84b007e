#!/usr/bin/env bash
# bench/gpu/build-jni.sh TORCH_DIR DJL_DIR JNI_DIR OUT_SO: builds DJL's JNI (libdjl_torch.so) from
# the sources gpu-prepare.sh put in DJL_DIR, against the libtorch of a Python torch
# (TORCH_DIR = os.path.dirname(torch.__file__): include/, lib/, share/cmake/).
#
# Route 1, DJL's own (CMakeLists.txt, -DUSE_CUDA=1), when cmake, ninja and a CUDA toolkit (nvcc)
# are there: torch's CMake config needs the toolkit for a CUDA torch. Route 2 otherwise, or when
# route 1 fails: the same sources compiled directly with c++ and without USE_CUDA, which only
# drops DJL's emptyCache and its optional separate inference stream; every op still runs on CUDA
# through libtorch's dispatcher. Env: CXX11_ABI (0/1, from torch.compiled_with_cxx11_abi(); 1),
# CUDA_ARCH (TORCH_CUDA_ARCH_LIST for route 1; 9.0), JOBS (nproc), ROUTE (auto, cmake or direct).
# Checked on the development machine (2026-12-07): route 2 against the include/ and lib/ of the
# PyPI wheel torch-2.11.0 (CUDA 13.0) compiles DJL v0.35.1's sources without an error and links a
# libdjl_torch.so exporting all 265 functions of the header, and every strong symbol it imports is
# defined by the wheel's libtorch, libtorch_cpu, libc10 or the C++ runtime (nm); loading it needs
# the GPU machine (libtorch_cuda's CUDA libraries).
# Each source takes about a minute of one core: -j 16 needs about 2 minutes.
set -uo pipefail
TD="$1" DJL="$2" JNI="$3" OUT_SO="$4"
native="$DJL/engines/pytorch/pytorch-native"
src="$native/src/main/native"
jobs="${JOBS:-$(nproc)}"
abi="${CXX11_ABI:-1}"
route="${ROUTE:-auto}"
work="$(mktemp -d /tmp/djl-jni.XXXXXX)"
mkdir -p "$(dirname "$OUT_SO")"

cmake_route() {
  cmake -S "$native" -B "$work/cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release -DUSE_CUDA=1 \
    -DCMAKE_PREFIX_PATH="$TD/share/cmake" -DTORCH_CUDA_ARCH_LIST="${CUDA_ARCH:-9.0}" \
    -DJAVA_INCLUDE_PATH="$JNI" -DJAVA_INCLUDE_PATH2="$JNI/linux" -DJAVA_JVM_LIBRARY=NotNeeded \
    -DJAVA_AWT_LIBRARY=NotNeeded -DJAVA_AWT_INCLUDE_PATH=NotNeeded \
    && ninja -C "$work/cmake" -j "$jobs" \
    && cp "$work/cmake/libdjl_torch.so" "$OUT_SO"
}

direct_route() {
  local cxx="${CXX:-c++}"
  local flags=(-std=c++17 -O2 -fPIC -DNDEBUG "-D_GLIBCXX_USE_CXX11_ABI=$abi" -w
    -I"$native/build/include" -I"$DJL/api/src/main/native" -I"$JNI" -I"$JNI/linux"
    -I"$TD/include" -I"$TD/include/torch/csrc/api/include")
  mkdir -p "$work/o"
  # one object per source, in parallel
  printf '%s\n' "$src"/*.cc | xargs -P "$jobs" -I{} sh -c \
    'f="$1"; shift; exec "$@" -c "$f" -o "'"$work"'/o/$(basename "$f" .cc).o"' _ {} \
    "$cxx" "${flags[@]}" || return 1
  "$cxx" -shared -o "$OUT_SO" "$work"/o/*.o -L"$TD/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu \
    -lc10 -Wl,--as-needed -Wl,-rpath,'$ORIGIN' -Wl,--allow-shlib-undefined
}

rc=1
if [ "$route" != direct ] && command -v cmake >/dev/null && command -v ninja >/dev/null \
  && { [ "$route" = cmake ] || command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ]; }; then
  echo "build-jni: route 1, cmake + ninja, USE_CUDA=1"
  PATH="$PATH:/usr/local/cuda/bin" cmake_route && rc=0
  [ $rc = 0 ] || echo "build-jni: route 1 failed; trying route 2"
fi
if [ $rc != 0 ] && [ "$route" != cmake ]; then
  echo "build-jni: route 2, ${CXX:-c++} directly, -j $jobs, without USE_CUDA"
  direct_route && rc=0
fi
rm -rf "$work"
if [ $rc = 0 ]; then
  ls -la "$OUT_SO"
  nm -D --defined-only "$OUT_SO" | grep -c ' T Java_ai_djl_pytorch_jni_PyTorchLibrary_' \
    | sed 's/^/build-jni: JNI functions exported: /'
  # what the dynamic linker would miss when DJL loads it (expected: nothing)
  LD_LIBRARY_PATH="$TD/lib:${LD_LIBRARY_PATH:-}" ldd -r "$OUT_SO" 2>&1 \
    | grep -E 'undefined symbol|not found' | head -20 | sed 's/^/build-jni: ldd: /'
fi
exit $rc
