"""Corpus ingestion: formats, mapping, validation, normalisation, dedup, language.

Entry point: :func:`analysis.corpus.ingest.ingest`. The guide for researchers (what
study.yaml can say about a corpus, what each output file means) is README.md here.
"""
