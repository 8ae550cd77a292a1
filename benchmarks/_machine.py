"""What the benchmark scripts share: a description of the machine the figures were measured on."""
import os
import platform

import numpy as np


def machine_notes():
    """Lines describing the machine and anything that skews timings."""
    lines = [f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} logical cores"]
    try:
        load = os.getloadavg()
        busy = "  <- other work is running: timings are slower than on a quiet machine" \
            if load[0] > 0.5 * (os.cpu_count() or 1) else ""
        lines.append(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}{busy}")
    except OSError:
        pass
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        if name in os.environ:
            lines.append(f"{name}={os.environ[name]} (reported, not changed)")
    try:
        from threadpoolctl import threadpool_info
        for pool in threadpool_info():
            if pool.get("internal_api") == "openblas":
                lines.append(f"numpy's OpenBLAS {pool.get('version')}: kernel {pool.get('architecture')}, "
                             f"{pool.get('num_threads')} threads (the steps timed here do not call BLAS)")
    except ImportError:
        pass
    return lines
