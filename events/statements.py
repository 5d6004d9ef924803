"""Statements compiled once per shape by the ORM with stand-in values; a request's put in place.

A page's statement is a function of its shape (which filters, which order, which direction)
and of a few values (days, ids). Compiling it through the ORM cost more than running it on an
actor's page, so compiled() compiles each shape once, from the same querysets the ORM path
builds, with a stand-in for every value, notes where each stand-in lands among the parameters,
and from then on puts the request's values there. The first request of a shape is compiled
as well and must come out the same as the filled template, or the shape is always compiled:
a value that changes the statement's text rather than a parameter (a list's length, a
comparison chosen by the value) must be part of the shape, and that check catches one that
is not before any page is answered from it.
"""

from collections.abc import Callable, Hashable, Mapping
from datetime import date, timedelta

from django.db.models import QuerySet

Values = Mapping[str, date | int | float | str]
# (sql, params, where each value goes: (position, name, as text)), or None: compile each time.
Template = tuple[str, tuple, tuple[tuple[int, str, bool], ...]] | None

# Past this many shapes (a handful in practice) new ones are compiled without being kept.
MAX_SHAPES = 1000
_TEMPLATES: dict[Hashable, Template] = {}
# Days of year 1, ids far below any, numbers past any coordinate and text no one types:
# values no request holds.
_FIRST_DAY = date(1, 1, 1)
_FIRST_ID = -7_316_402_581_974_310_925
_FIRST_NUMBER = 1_000_003.5


def compiled(
    shape: Hashable, build: Callable[[Values], QuerySet], values: Values
) -> tuple[str, tuple]:
    """build(values).query.sql_with_params(), from this shape's template when it has one.

    build must give the same statement for any values of this shape but for the parameters
    that hold them. EmptyResultSet passes through, as from the ORM.
    """
    try:
        template = _TEMPLATES[shape]
    except KeyError:
        if len(_TEMPLATES) >= MAX_SHAPES:
            # Full (shapes a client can multiply: page sizes, lists of ids): compiled once,
            # as any shape without a template, rather than twice for a template not kept.
            return build(values).query.sql_with_params()
        template, found = _made(build, values)
        _TEMPLATES[shape] = template
        return found
    if template is None:
        return build(values).query.sql_with_params()
    return _filled(template, values)


def _stand_ins(values: Values) -> dict[str, date | int | float | str]:
    found: dict[str, date | int | float | str] = {}
    for number, (name, value) in enumerate(values.items()):
        if isinstance(value, date):
            found[name] = _FIRST_DAY + timedelta(days=3 * number + 2)
        elif isinstance(value, int) and not isinstance(value, bool):
            found[name] = _FIRST_ID - number
        elif isinstance(value, float):
            found[name] = _FIRST_NUMBER + number  # Rising with the slots, as a box's corners.
        elif isinstance(value, str):
            found[name] = f"\ufdd0stand-in {number}\ufdd1"
        else:
            raise TypeError(f"{name}: only days, ids, numbers and text go in place, not {value!r}")
    return found


def _made(build: Callable[[Values], QuerySet], values: Values) -> tuple[Template, tuple]:
    """The shape's template (None when the stand-ins do not each land as one whole parameter,
    or the filled template differs from the ORM's statement) and this request's statement."""
    found = build(values).query.sql_with_params()
    stand_ins = _stand_ins(values)
    try:
        sql, params = build(stand_ins).query.sql_with_params()
    except Exception:  # Whatever fails here, this shape is compiled each time.
        return None, found
    forms = {}
    for name, value in stand_ins.items():
        forms[value] = (name, False)
        if isinstance(value, date):
            forms[str(value)] = (name, True)  # SQLite's driver takes days as text.
    slots = tuple(
        (position, *forms[param])
        for position, param in enumerate(params)
        if isinstance(param, date | int | float | str) and param in forms
    )
    template: Template = (sql, tuple(params), slots)
    if {name for _, name, _ in slots} != set(values) or _filled(template, values) != found:
        template = None
    return template, found


def _filled(template: Template, values: Values) -> tuple[str, tuple]:
    sql, params, slots = template
    filled = list(params)
    for position, name, as_text in slots:
        filled[position] = str(values[name]) if as_text else values[name]
    return sql, tuple(filled)
