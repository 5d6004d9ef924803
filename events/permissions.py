"""The editorial groups, what each may do, and who counts as an editor."""

EDITOR_GROUP = "Editor"
PUBLISHER_GROUP = "Publisher"

# Editors curate everything but cannot publish, retract or delete events (retract instead).
EDITOR_PERMISSIONS = [
    *(f"{action}_event" for action in ("view", "add", "change")),
    *(f"{action}_eventforreview" for action in ("view", "change")),
    *(
        f"{action}_{model}"
        for model in ("eventactor", "eventsource", "eventrelation")
        for action in ("view", "add", "change", "delete")
    ),
    *(
        f"{action}_{model}"
        for model in ("article", "actor", "location", "eventtype", "actormembership")
        for action in ("view", "add", "change")
    ),
    *(
        f"{action}_{model}"
        for model in ("actoralias", "locationalias", "actormembership")
        for action in ("view", "add", "change", "delete")
    ),
]
# Publishers add the decision to publish or retract.
PUBLISHER_PERMISSIONS = ["publish_event"]


def is_editor(user) -> bool:
    """Whether this user is an editor: one who sees events of every status (drafts, reviews,
    retractions) and their history, where everyone else sees published events only."""
    return bool(user is not None and user.is_authenticated and user.has_perm("events.view_event"))
