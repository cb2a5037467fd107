"""Telephone numbers in text an admin wrote (an emergency notice) as links a phone can call."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# Indonesian numbers as people write them: an emergency hotline (110–119, 129) or a full number
# (0811-129-129, 08111 129 129, +62 811 129 129).
PHONE = re.compile(r"(?<![\w+-])(\+62[\d -]{7,16}\d|0\d[\d -]{6,15}\d|1(?:1\d|29))(?![\w-])")


@register.filter
def phone_links(text: str) -> str:
    """``text`` escaped, each number in it a ``tel:`` link."""

    def link(match):
        number = match.group(1)
        return f'<a href="tel:{re.sub(r"[^0-9+]", "", number)}">{number}</a>'

    return mark_safe(PHONE.sub(link, escape(text)))
