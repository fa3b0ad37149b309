"""relstudio — segment relevance for audio analysis (Foleiss & Tavares).

Importing this package loads neither torch nor Qt; only the version lives here, and OpenMP's
wait policy is set before torch can load it (``relstudio.core.threads``).
"""

import os as _os

_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle torch threads sleep, not spin beside other programs

__version__ = "0.1.0"
