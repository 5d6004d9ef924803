"""Sentence splitting keeps offsets into the article and knows abbreviations and quotations."""

from events.ingest.sentences import split_sentences


def texts(text: str) -> list[str]:
    sentences = split_sentences(text)
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    return [s.text for s in sentences]


def test_offsets_point_back_into_the_text():
    text = "  On Sunday they advanced.  Rebels said so.\nA new line. "
    assert texts(text) == ["On Sunday they advanced.", "Rebels said so.", "A new line."]


def test_abbreviations_and_initials_do_not_end_a_sentence():
    text = "U.S. Army Lt. Gen. Stephen Townsend spoke on Sept. 3 in Washington. He left."
    assert texts(text) == [
        "U.S. Army Lt. Gen. Stephen Townsend spoke on Sept. 3 in Washington.",
        "He left.",
    ]


def test_a_quotation_stays_whole_with_its_attribution():
    text = "“We haven’t struck the convoy. But we have struck its escort,” he said. Then silence."
    assert texts(text) == [
        "“We haven’t struck the convoy. But we have struck its escort,” he said.",
        "Then silence.",
    ]


def test_every_line_is_a_paragraph_of_its_own():
    sentences = split_sentences("A headline\nFirst sentence. Second one.\n\nNext paragraph.")
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("A headline", 0),
        ("First sentence.", 1),
        ("Second one.", 1),
        ("Next paragraph.", 2),
    ]


def test_sentences_glued_by_a_bad_copy_are_split():
    assert texts("the capital of Raqqa.Syrian Forces Besiege Aleppo") == [
        "the capital of Raqqa.",
        "Syrian Forces Besiege Aleppo",
    ]


def test_an_agency_credit_closes_the_caption_or_dateline_before_the_report():
    caption = (
        "A checkpoint is seen on a highway June 6 2015 (Reuters) Two people were killed as "
        "troops attacked the village. More followed."
    )
    assert texts(caption) == [
        "A checkpoint is seen on a highway June 6 2015 (Reuters)",
        "Two people were killed as troops attacked the village.",
        "More followed.",
    ]
    assert texts("BEIRUT (AFP) - Rebels shelled the town. Then.") == [
        "BEIRUT (AFP) -",
        "Rebels shelled the town.",
        "Then.",
    ]


def test_an_agency_named_inside_a_sentence_does_not_end_it():
    assert texts("He told (Reuters) that the town fell. Then.") == [
        "He told (Reuters) that the town fell.",
        "Then.",
    ]
    # A credit opening the line has nothing before it to close.
    assert texts("(Reuters) - Syria said so. Then.") == ["(Reuters) - Syria said so.", "Then."]
