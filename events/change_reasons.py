"""A history record's reason for a change: at most what its column holds, for every writer."""

# simple_history's history_change_reason column (every history table): a CharField of this many.
REASON_MAX = 100


def fit(reason: str) -> str:
    """A reason the column holds: a longer one is cut, its end marked with an ellipsis."""
    return reason if len(reason) <= REASON_MAX else reason[: REASON_MAX - 1] + "…"


def fit_history_reason(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record: a reason the code wrote (a place's or an actor's name in
    it can be long) never overflows the column; an editor's own reason is checked where it is
    given (Event.transition), so nothing an editor typed is cut here."""
    reason = history_instance.history_change_reason
    if reason and len(reason) > REASON_MAX:
        history_instance.history_change_reason = fit(reason)
