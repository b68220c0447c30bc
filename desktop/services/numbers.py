"""Register numbers without gaps: the next number of a series and year, taken in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from desktop.store.models import NumberCounter


def next_number(session: Session, series: str, year: int) -> int:
    """The next sequence number of `series` in `year`.

    The counter row is locked by the UPDATE until the caller's transaction ends, so two registrations at once get
    consecutive numbers, and a registration that fails rolls its number back: the register has no gaps.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # the dialect's module only where it is the database's
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    session.execute(
        insert(NumberCounter).values(series=series, year=year, last=0).on_conflict_do_nothing(
            index_elements=["series", "year"]
        )
    )
    return session.execute(
        update(NumberCounter)
        .where(NumberCounter.series == series, NumberCounter.year == year)
        .values(last=NumberCounter.last + 1)
        .returning(NumberCounter.last)
    ).scalar_one()
