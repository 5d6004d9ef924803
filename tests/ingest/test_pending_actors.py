"""Actors the database does not hold yet: drafts carry them, pending, for the editor to add."""

from datetime import date

from events.ingest.gazetteer import pending_actor
from events.ingest.reading import read_article
from events.models import ActorRole

SUN_4_SEP_2016 = date(2016, 9, 4)


def read(gazetteer, text: str):
    return read_article(text, publication_date=SUN_4_SEP_2016, gazetteer=gazetteer).proposals


def test_a_pending_actor_has_the_same_id_for_the_same_name_and_is_not_stored():
    one = pending_actor("Mevlut Cavusoglu", "person")
    assert one.id < 0 and not one.stored
    assert pending_actor("mevlut  cavusoglu", "person").id == one.id
    assert pending_actor("Sergei Lavrov", "person").id != one.id


def test_the_adjective_of_a_state_without_stored_forces_names_its_forces_pending(news_gazetteer):
    text = "An Israeli airstrike on a village near Hama killed five soldiers on Sunday."
    (proposal,) = read(news_gazetteer, text)
    (forces, role), *_ = proposal.actors
    assert (forces.name, forces.kind, role) == (
        "Military Forces of Israel",
        "external",
        ActorRole.PERPETRATOR,
    )
    assert not forces.stored
    assert "Israel" in forces.aliases and "Israeli forces" in forces.aliases


def test_a_stored_states_adjective_still_names_its_stored_forces(news_gazetteer):
    text = "Russian air strikes hit a market near Hama on Sunday."
    (proposal,) = read(news_gazetteer, text)
    assert [(a.name, a.stored, r) for a, r in proposal.actors][0] == (
        "Military Forces of Russia",
        True,
        ActorRole.PERPETRATOR,
    )


def test_a_state_named_only_as_where_something_happened_is_no_pending_actor(news_gazetteer):
    text = "Two car bombs exploded in Jordan on Sunday."
    proposals = read(news_gazetteer, text)
    assert all(actor.stored for p in proposals for actor, _ in p.actors)
