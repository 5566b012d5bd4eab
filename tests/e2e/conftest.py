# The demo build and its executed notebooks are session fixtures in tests/conftest.py
# (``demo_run``, ``demo_notebooks``), shared with the comparison and topics tests.
