#!/usr/bin/env bash
# nbval over every notebook under other floating-point configurations of this machine: OpenBLAS and
# numpy pick other kernels (no FMA, no AVX2, SSE only), so every stored output must be portable, not
# only reproducible on the kernels of the machine that stored it.
#
# Each configuration prints the kernels it actually ran with and fails if they are this machine's
# default ones (the variables silently ignore names they do not know).
#
#   bash .ci/float_configs.sh               # every configuration, every notebook
#   bash .ci/float_configs.sh -k 04_        # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."

# name | OPENBLAS_CORETYPE | NPY_DISABLE_CPU_FEATURES
CONFIGS=(
    "sse-only|Prescott|X86_V3 X86_V4 AVX512_ICL AVX512_SPR"
    "avx-no-fma-blas|Sandybridge|"
    "no-avx2-numpy|Haswell|X86_V3 X86_V4 AVX512_ICL AVX512_SPR"
)

default=$(env -u OPENBLAS_CORETYPE -u NPY_DISABLE_CPU_FEATURES python .ci/float_kernels.py)
echo "default kernels: $default"
status=0
for config in "${CONFIGS[@]}"; do
    IFS='|' read -r name coretype disabled <<<"$config"
    kernels=$(OPENBLAS_CORETYPE=$coretype NPY_DISABLE_CPU_FEATURES=$disabled python .ci/float_kernels.py)
    echo
    echo "--- float configuration $name: OPENBLAS_CORETYPE=$coretype NPY_DISABLE_CPU_FEATURES='$disabled'"
    echo "    kernels: $kernels"
    if [ "$kernels" = "$default" ]; then
        echo "    FAILED: these are the default kernels, so this configuration would prove nothing"
        status=1
        continue
    fi
    start=$SECONDS
    # Notebooks only (the unit tests do not compare stored text);.
    if OPENBLAS_CORETYPE=$coretype NPY_DISABLE_CPU_FEATURES=$disabled pytest notebooks -q "$@"; then
        echo "    $name: passed in $((SECONDS - start)) s"
    else
        echo "    $name: FAILED after $((SECONDS - start)) s"
        status=1
    fi
done
exit $status
