"""Feeds escape text exactly as the standard library's XML helpers would."""
from __future__ import annotations

import uuid
from xml.sax import saxutils

from hypothesis import given, settings, strategies as st

from wxnews_site.site import feeds

TEXT = st.text(st.sampled_from(list("无锡日报&<>\"'\n\r\t ab;#")), max_size=30)


@settings(max_examples=1000, deadline=None)
@given(TEXT)
def test_escaping_agrees_with_xml_sax_saxutils(text: str):
    assert feeds.escape(text) == saxutils.escape(text)
    assert feeds.quoteattr(text) == saxutils.quoteattr(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_entry_ids_are_the_uuid5_the_standard_library_makes(name: str):
    namespace = uuid.UUID("6f0c8f1e-3a53-5b2e-9d0e-7e4f3a9b1c20")
    assert feeds.uuid5(name) == str(uuid.uuid5(namespace, name))
