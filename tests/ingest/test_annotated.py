"""Scoring against hand-annotated happenings: which proposal a happening is judged by."""

from datetime import date

from events.ingest.annotated import Annotated, AnnotatedActor, Happening, Proposed, name_keys, score

DAY = date(2016, 9, 4)
PERPETRATOR = "perpetrator"


def happening(**changes) -> Happening:
    fields = dict(
        key="a/h1",
        article="a",
        spans=((0, 40),),
        type="air-drone-strike",
        earliest=DAY,
        latest=DAY,
        planned=False,
        background=False,
        place="Aleppo",
        ancestors=("Syria",),
        actors=(AnnotatedActor(frozenset(name_keys(["Russian military", "Russia"])), PERPETRATOR),),
    )
    return Happening(**(fields | changes))


def proposal(actors, place: str, **changes) -> Proposed:
    fields = dict(
        article="a",
        spans=((0, 40),),
        earliest=DAY,
        latest=DAY,
        planned=False,
        type="air-drone-strike",
        type_parent="explosions-remote-violence",
        place_names=frozenset(name_keys([place])),
        actors=tuple((frozenset(name_keys([name])), role) for name, role in actors),
        verbatim=True,
    )
    return Proposed(**(fields | changes))


def test_a_happening_is_judged_by_the_proposal_that_gets_most_of_it_right():
    # Two proposals from the same sentence, both dated right: the one with the right actors
    # and place is the happening's match, whichever comes first.
    article = Annotated("a", "", "", DAY, "en", "x" * 40, (happening(),))
    wrong = proposal([("Civilians", "perpetrator")], "Idlib")
    right = proposal([("Russia", "perpetrator")], "Aleppo")
    scores = score([article], [wrong, right], publication={"a": DAY})
    assert (scores.actors_right.hits, scores.places_right.hits) == (1, 1)
    assert not any("actors" in line for line in scores.wrong)


def test_a_proposal_right_in_more_ways_wins_over_one_right_only_in_its_actors():
    article = Annotated("a", "", "", DAY, "en", "x" * 40, (happening(),))
    actors_only = proposal([("Russia", "perpetrator")], "Idlib", type="attack")
    place_and_type = proposal([("Civilians", "target")], "Aleppo")
    scores = score([article], [actors_only, place_and_type], publication={"a": DAY})
    assert (scores.actors_right.hits, scores.places_right.hits) == (0, 1)
    assert scores.types_exact.hits == 1


def test_a_wrong_cast_lists_what_it_lacks_what_it_puts_on_the_wrong_side_and_what_it_adds():
    civilians = AnnotatedActor(frozenset(name_keys(["civilians"])), "target", "civilians")
    russia = AnnotatedActor(frozenset(name_keys(["Russia"])), PERPETRATOR, "Russian military")
    article = Annotated("a", "", "", DAY, "en", "x" * 40, (happening(actors=(russia, civilians)),))
    cast = [("Russia", "target"), ("Syrian Observatory", "target")]
    scores = score([article], [proposal(cast, "Aleppo")], publication={"a": DAY})
    (line,) = [line for line in scores.wrong if "lacks" in line]
    assert line.endswith(
        "lacks civilians (target); side Russian military (perpetrator, got target); "
        "extra syrian observatory (target)"
    )
