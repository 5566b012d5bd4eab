"""The mutation check's sites still exist (the check itself runs in `make test-all`).

Each mutant in tests/mutation/check.py finds the code it mutates by a snippet that must
occur exactly once. When that code is rewritten, this fails at once, naming the mutant
to update, rather than the mutation check failing later in the slow tier.
"""

import pytest

from tests.mutation.check import MUTANTS, ROOT, Mutant, PatternError, mutate


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_mutant_finds_its_code_exactly_once(mutant: Mutant):
    source = (ROOT / mutant.path).read_text(encoding="utf-8")
    assert mutate(source, mutant) != source
    for test in mutant.tests:
        assert (ROOT / test).is_file(), test


def test_a_pattern_that_no_longer_matches_names_the_mutant():
    gone = Mutant("gone", "analysis/text/voice.py", "no such code", "x", "nothing", ())
    with pytest.raises(PatternError, match=r"(?s)mutant .gone.*occurs 0 times.*update this mutant"):
        mutate("print('hello')\n", gone)
