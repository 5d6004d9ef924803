"""Django's SQLite backend, with each statement's placeholders converted once per process."""

# Django writes "%s" placeholders and its SQLite cursor rewrites them to "?" on every execute,
# with a regular expression whose look-behind is tried at every character: 95 µs for the
# 4.7 kB freshness query that every API request runs, a few tenths of a millisecond for a
# page's statements together. The statements the chronology runs are the same strings request
# after request (compiled once per shape: events.statements), so the rewrite is kept per
# statement text; a string's hash is computed once and kept by the string, so a statement
# seen before costs a dictionary lookup. Statements of any other text are rewritten as Django
# does, and kept only among the most recent.

import functools

from django.db.backends.sqlite3 import base

# Distinct statement texts kept: the chronology's shapes are a few hundred at most; ad-hoc
# queries beyond them push the oldest out.
KEPT_STATEMENTS = 1024


@functools.lru_cache(maxsize=KEPT_STATEMENTS)
def qmark(query: str) -> str:
    """The statement with Django's "format" placeholders as SQLite's "qmark" ones."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name=None):
        return self.connection.cursor(factory=SQLiteCursorWrapper)
