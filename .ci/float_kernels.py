"""Print the floating-point kernels numpy and its OpenBLAS run with here, as one line of JSON.

    python .ci/float_kernels.py            # {"blas": "Haswell", "numpy_simd": ["X86_V3"]}

Used by .ci/float_configs.sh to prove that each configuration really changed the kernels:
OPENBLAS_CORETYPE and NPY_DISABLE_CPU_FEATURES silently ignore names they do not know.
"""
import json

import numpy  # noqa: F401  (loads OpenBLAS, so threadpoolctl can ask it)
import threadpoolctl
from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__

blas = sorted({info.get("architecture") or "?" for info in threadpoolctl.threadpool_info()
               if info.get("user_api") == "blas"})
simd = [name for name in __cpu_dispatch__ if __cpu_features__.get(name)]
print(json.dumps({"blas": ",".join(blas) or "none", "numpy_simd": simd or ["baseline only"]}))
