"""Decoding page bytes: BOM, then the declared encoding, then <meta>, then sniffing."""

from __future__ import annotations

import pytest

from pipeline.errors import UnreadablePage
from pipeline.extract import decode_html

TEXT = "<html><head>{meta}</head><body><p>Café — “K-drama” fans’ favourite</p></body></html>"
PLAIN = TEXT.format(meta="")


def test_bom_beats_declared_encoding() -> None:
    text, encoding = decode_html(b"\xef\xbb\xbf" + PLAIN.encode("utf-8"), "cp1252")
    assert encoding == "utf-8"
    assert text == PLAIN  # the BOM itself is not part of the text


def test_declared_encoding_beats_meta() -> None:
    html = TEXT.format(meta='<meta charset="utf-8">')
    text, encoding = decode_html(html.encode("cp1252"), "windows-1252")
    assert encoding == "cp1252"
    assert "Café — “K-drama”" in text


def test_meta_charset_when_nothing_declared() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
    html = f"<html><head>{meta}</head><body><p>Café crème</p></body></html>"
    text, encoding = decode_html(html.encode("latin-1"))
    assert encoding == "cp1252"  # WHATWG: latin-1 labels mean windows-1252
    assert "Café crème" in text


@pytest.mark.parametrize(("codec", "expected"), [("utf-8", "utf-8"), ("cp1252", "cp1252")])
def test_sniffing_without_any_declaration(codec: str, expected: str) -> None:
    text, encoding = decode_html(PLAIN.encode(codec))
    assert encoding == expected
    assert text == PLAIN


def test_utf16_with_bom() -> None:
    text, encoding = decode_html(PLAIN.encode("utf-16"))
    assert encoding.startswith("utf-16")
    assert text == PLAIN


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \n\t ",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x00\xc8\x08\x06" * 20,
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)) * 4,  # gzip, not inflated
    ],
)
def test_empty_or_binary_data_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadablePage):
        decode_html(data)


def test_unknown_declared_encoding_is_ignored() -> None:
    text, encoding = decode_html(PLAIN.encode("utf-8"), "x-no-such-charset")
    assert encoding == "utf-8"
    assert text == PLAIN
