"""The editorial groups and what each may do; a migration creates them, tests read them."""

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
