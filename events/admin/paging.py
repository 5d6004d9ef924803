"""A changelist paginator that counts at most a bound of rows, so no page pays a full COUNT(*)."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_LIMIT = 10_000


class BoundedCountPaginator(Paginator):
    """Counts at most `limit` rows, then says "limit+" instead of a number it does not know.

    The count is one SELECT COUNT(*) over a LIMIT limit+1 subquery, so its cost is bounded by the
    limit whatever the table's size. Past the limit, `count` is the limit and `capped` is true:
    page links run to the limit and stop there, and every page they offer is full and exists.
    """

    def __init__(
        self,
        object_list,
        per_page,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
        *,
        limit: int = COUNT_LIMIT,
        count_order: Sequence[str] = (),
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        if limit < 1:
            raise ValueError(f"limit must be 1 or more, not {limit}")
        self.limit = limit
        self.count_order = tuple(count_order)

    @cached_property
    def rows_seen(self) -> int:
        """How many rows match, counted up to limit + 1 (one more tells "more than limit")."""
        # Without an ORDER BY the database counts the first rows any index gives it; a
        # count_order makes it start where the matching rows are (a date range from its end).
        rows = self.object_list.order_by(*self.count_order).values("pk")
        return rows[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.rows_seen, self.limit)

    def page(self, number):
        """A page whose rows are chosen by id first, then read: only the page's rows are read.

        Ordering or skipping (OFFSET) full rows reads every row sorted or skipped, and SQLite
        computes their columns (the correlated source count) first; over ids the database
        sorts or skips index entries only.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=ids), number, self)

    @property
    def capped(self) -> bool:
        """True when more rows match than were counted."""
        return self.rows_seen > self.limit

    @property
    def count_display(self) -> str:
        """The count as an editor reads it: "1,234", or "10,000+" past the limit."""
        return f"{self.count:,}+" if self.capped else f"{self.count:,}"
