from analysis.cli import entrypoint

entrypoint()
