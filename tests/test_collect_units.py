"""Units of the collector that need no server: URLs, domains, outlets, charsets, config."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import schema as S
from analysis.collect.extract import decode_page, extract_page, not_html_reason
from analysis.collect.fetch import TooLarge, _Decoder, retry_after_seconds
from analysis.collect.urls import BadUrl, OutletMatcher, canonical_url, host_of, registered_domain
from analysis.errors import StudyConfigError
from analysis.study import Study


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.tass.com/world/1?utm_source=tw", "https://www.tass.com/world/1"),
        ("HTTPS://WWW.TASS.COM:443/world/1#top", "https://www.tass.com/world/1"),
        ("https://x.com/a?b=2&a=1&fbclid=zz&gclid=1", "https://x.com/a?a=1&b=2"),
        ("http://x.com", "http://x.com/"),
    ],
)
def test_canonical_urls_drop_tracking_and_fragments(a, b):
    assert canonical_url(a) == b


@pytest.mark.parametrize("bad", ["ftp://x.com/a", "mailto:a@b.c", "javascript:alert(1)", "x.com/a"])
def test_non_http_urls_are_bad(bad):
    with pytest.raises(BadUrl):
        canonical_url(bad)


def test_registered_domains_use_the_bundled_suffix_list():
    assert registered_domain("https://news.bbc.co.uk/x") == "bbc.co.uk"
    assert registered_domain("https://en.yna.co.kr/view/AEN2024") == "yna.co.kr"
    assert registered_domain("http://www.pravda.com.ua/eng/") == "pravda.com.ua"
    assert registered_domain("http://127.0.0.1:8080/") == "127.0.0.1"
    assert host_of("http://Tass.com:80/a") == "tass.com"
    assert host_of("http://tass.com:8080/a") == "tass.com:8080"


def test_outlets_are_matched_on_their_domains_and_a_shared_domain_is_an_error():
    outlets = pd.DataFrame(
        {
            S.OUTLET: ["TASS", "BBC", "NoDomains"],
            S.DOMAINS: ["tass.com tass.ru", "bbc.co.uk;bbc.com", None],
        }
    )
    m = OutletMatcher(outlets)
    assert m.match("https://tass.ru/x") == m.match("http://www.tass.com/y") == "TASS"
    assert m.match("https://www.bbc.com/news") == "BBC"
    assert m.match("https://example.org/") is None
    with pytest.raises(ValueError, match="listed for two outlets"):
        OutletMatcher(pd.DataFrame({S.OUTLET: ["A", "B"], S.DOMAINS: ["x.com", "www.x.com"]}))
    assert OutletMatcher(pd.DataFrame({S.OUTLET: ["A"]})).match("https://x.com") is None


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert retry_after_seconds("soon") is None


def test_decoder_stops_a_bomb_without_inflating_it():
    import zlib

    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = comp.compress(b"\0" * 20_000_000) + comp.flush()
    dec = _Decoder("gzip", limit=1_000_000)
    with pytest.raises(TooLarge):
        dec.feed(bomb)
    assert dec.size <= 1_000_001  # never more than the cap (+1) was inflated


def test_charset_detected_not_trusted():
    text = "Президент заявил журналистам, что переговоры продолжатся на следующей неделе. " * 3
    html = f"<html><head><meta charset='utf-8'></head><body><p>{text}</p></body></html>"
    decoded, used, declared = decode_page(html.encode("cp1251"), "text/html; charset=UTF-8")
    assert (used, declared) == ("cp1251", "utf-8") and text in decoded
    decoded, used, _ = decode_page(html.encode("utf-8"), "text/html; charset=windows-1251")
    assert used == "utf-8" and text in decoded  # valid UTF-8 wins over a wrong label


def test_not_html_by_magic_bytes_or_type():
    assert "PDF" in not_html_reason(b"%PDF-1.4 ...", "text/html")
    assert not_html_reason(b"<!DOCTYPE html><html>", None) is None
    assert "application/json" in not_html_reason(b'{"a": 1}', "application/json")
    assert extract_page(b"GIF89a....", "image/gif").outcome == "not_html"


def test_outlets_file_with_and_without_domains(make_study, tmp_path):
    from analysis.corpus.outlets import load_outlets

    folder = make_study()
    study = Study.load(folder)
    articles = pd.DataFrame({S.OUTLET: ["Heroic Herald", "Fodder Times"]})
    without, _ = load_outlets(study, articles)
    assert S.DOMAINS not in without.columns
    table = pd.read_csv(folder / "outlets.csv")
    table[S.DOMAINS] = ["herald.test", None]
    table.to_csv(folder / "outlets.csv", index=False)
    with_domains, _ = load_outlets(study, articles)
    assert with_domains[S.DOMAINS].tolist()[0] == "herald.test"


def test_collect_config_errors_name_the_field(make_study):
    folder = make_study(
        extra={"collect": {"sources": [{"type": "gdelt", "id": "g"}, {"type": "rss", "id": "r"}]}}
    )
    with pytest.raises(StudyConfigError) as err:
        Study.load(folder)
    assert "collect.sources[0].gdelt.query: Field required" in str(err.value)
    assert "collect.sources[1]" in str(err.value)
