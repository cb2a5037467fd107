"""Messages of Django REST framework that our API can answer with but DRF's Indonesian catalogue lacks.

Listed here (never called) so that `makemessages` carries them into locale/id, whose translations
take precedence over DRF's own.
"""

from django.utils.translation import gettext_noop

DRF_MESSAGES = [
    gettext_noop("A valid number is required."),
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Invalid page."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop('Method "{method}" not allowed.'),
    gettext_noop("Datetime value out of range."),
    gettext_noop("String value too large."),
    gettext_noop("Surrogate characters are not allowed: U+{code_point:X}."),
]
