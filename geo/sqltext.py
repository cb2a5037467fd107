"""Sentences written by the database from the same translated templates Python formats.

A bulk statement that routes a million complaints cannot call Python per row for the routing
reason, yet the stored sentence must read exactly like the one a single intake writes. So the
%-style template (``"Inside kecamatan %(code)s %(name)s."``) is turned into a PostgreSQL
``format()`` call fed by SQL expressions, and passed as a query parameter, never spliced.
"""

import re

_FIELD = re.compile(r"%\((\w+)\)(s|\.0f)")


def sql_sentence(param: str, template: str, exprs: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The SQL for ``template`` with its named fields taken from ``exprs`` (field → SQL expression),
    and the query parameter (``param`` → the template for format()).

    ``%(name)s`` takes the expression's text; ``%(name).0f`` rounds it to a whole number. A literal
    ``%%`` means the same to both. Fields the template does not use are ignored (a translation may
    drop one); a field it uses that ``exprs`` lacks raises KeyError at once.
    """
    order: list[str] = []

    def position(match: re.Match) -> str:
        name = match.group(1)
        if name not in order:
            order.append(name)
        return f"%{order.index(name) + 1}$s"

    pg_template = _FIELD.sub(position, str(template))
    kinds = {m.group(1): m.group(2) for m in _FIELD.finditer(str(template))}
    args = [f"round(({exprs[n]})::numeric)::text" if kinds[n] == ".0f" else f"({exprs[n]})::text" for n in order]
    return f"format(%({param})s::text{''.join(', ' + a for a in args)})", {param: pg_template}
