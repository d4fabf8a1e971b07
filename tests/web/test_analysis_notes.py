"""A note an analysis leaves in its result (English, in its JSON) reads in the page's language
on the topic page (issue 14, item 7): the influencers' 'no network to rank'."""

from __future__ import annotations

import re

from markupsafe import escape

from socialops.i18n import t
from socialops.listen.influencers import EMPTY_NOTE, NO_AUTHORS_NOTE
from socialops.web.render import _env


def test_the_topic_page_says_an_analysis_note_in_words() -> None:
    page = _env.from_string('{{ note|analysis_note(lang, "influencers") }}')
    for note, key in (
        (EMPTY_NOTE, "report.note.no_network"),
        (NO_AUTHORS_NOTE, "report.note.no_authors"),
    ):
        ko = page.render(note=note, lang="ko")
        assert re.search("[가-힣]", ko) and ko == t(key, "ko")
        assert page.render(note=note, lang="en") == escape(t(key, "en"))  # autoescaped
    # a note the catalogue has no words for is shown as it is
    assert page.render(note="something new", lang="ko") == "something new"
