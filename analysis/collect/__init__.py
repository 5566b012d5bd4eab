"""Collecting coverage: `framing collect` (never part of `make`).

One module per concern: ``config`` (the collect: section), ``sources`` (URL lists,
feeds, GDELT, Media Cloud), ``fetch`` (the polite client), ``robots``, ``archive``
(WARC), ``ledger`` (one row per input URL), ``extract`` (charset, trafilatura),
``urls`` (canonical URLs, registered domains, outlets) and ``run`` (the orchestration).
"""
