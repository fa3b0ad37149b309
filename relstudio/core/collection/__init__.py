"""Collections: analyse a folder of tracks, rank tracks and excerpts, write relevance previews.

- :mod:`.batch` — ``analyze_collection()`` generator task (process pool, GPU batching or Dask)
- :mod:`.results` — the collection table (CSV + JSON)
- :mod:`.ranking` — ``rank(results, by="relevance"|"class:<name>")``
- :mod:`.preview` — ``make_previews()``: the most relevant N seconds per track + an M3U playlist
- :mod:`.dask` — the Dask distributed runner (dask is imported only when used)
"""
