"""relstudio — segment relevance for audio analysis (Foleiss & Tavares).

Importing this package loads neither torch nor Qt; only the version lives here.
"""

__version__ = "0.1.0"
