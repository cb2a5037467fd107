"""Private complaints in public counts (docs/rules.md, privacy rule 10).

Suppressing each figure below 5 on its own does not protect a small count once two periods can be
subtracted (June and July together, less July, is June). So the rows that can hold private complaints
follow statistical disclosure control instead (Hundepool et al., "Statistical Disclosure Control",
Wiley 2012, ch. 5; the ABS and Statistics NZ random rounding to base 3 or 5):

* they are published for one period shape only, a calendar month that has ended
  (``is_publishable_month``): no free window, so no two periods a client may ask for overlap in part;
* every count in them is randomly rounded to a multiple of 5 (``rounded_count``), each figure on its
  own, with a draw fixed per figure so that asking again, or asking for the same month as another
  month's "previous", gives the same answer: a difference of two published counts is a multiple of 5,
  and a count known exactly beside a rounded one still leaves every value within 4 of it possible;
* their rates, medians, ratings and ages are computed from public complaints only, so no private
  complaint dates itself finer than its month.

Which rows those are is a fact of the configuration, not of the complaints
(``private_bearing_agencies_sql``): a row that switched when its first private complaint arrived would
announce that arrival.
"""

import hashlib
import hmac
from datetime import datetime

from django.conf import settings

from boundaries.models import Agency, Jurisdiction
from complaints.models import Category
from disclosure.public import suppress_below
from disclosure.windows import is_calendar_month, is_ended_whole_months


def rounding_base() -> int:
    """Private-bearing counts are multiples of this: the sensitive threshold of privacy rule 3 (5)."""
    return suppress_below(sensitive=True)


def is_publishable_month(since: datetime, until: datetime, *, now: datetime | None = None) -> bool:
    """Whether [since, until) is exactly one calendar month (the city's) that has ended: the only
    period a row that can hold private complaints is published for."""
    return is_calendar_month(since, until) and is_ended_whole_months(since, until, now=now)


def rounded_count(n: int, key: str) -> int:
    """``n`` randomly rounded to a multiple of rounding_base(): with r = n mod 5, up with probability
    r/5, else down (unbiased: the expected answer is n). The draw is an HMAC of ``key`` (the figure's
    identity: row, period and figure) with the site's secret, so one figure always rounds the same way
    and repeating a question averages nothing out. A multiple of 5, zero included, is shown as it is."""
    base = rounding_base()
    remainder = n % base
    if not remainder:
        return n
    secret = f"peka-private-rounding:{settings.SECRET_KEY}".encode()
    draw = int.from_bytes(hmac.new(secret, key.encode(), hashlib.sha256).digest()[:8], "big") / 2**64
    return n - remainder + (base if draw < remainder / base else 0)


def private_bearing_agencies_sql() -> tuple[str, dict]:
    """SQL selecting the ids (``id``) of the agencies whose rows can hold private complaints, with its
    parameters: the agency of every sensitive category, every agency with a jurisdiction over one, and
    the triage agency while a sensitive category has no agency (routing rule 3). A private complaint
    that ends up with another agency (its category changed later) counts in no public row."""
    categories, jurisdictions, agencies = Category._meta.db_table, Jurisdiction._meta.db_table, Agency._meta.db_table
    sql = f"""
        SELECT c.agency_id AS id FROM {categories} c WHERE c.sensitive AND c.agency_id IS NOT NULL
        UNION
        SELECT j.agency_id FROM {jurisdictions} j JOIN {categories} c ON c.sensitive AND c.code = ANY(j.categories)
        UNION
        SELECT a.id FROM {agencies} a
        WHERE a.code = %(triage_agency)s AND EXISTS (SELECT 1 FROM {categories} c WHERE c.sensitive AND c.agency_id IS NULL)
    """
    return sql, {"triage_agency": settings.PEKA_TRIAGE_AGENCY}
