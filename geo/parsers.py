"""Request parsing with errors a person can act on, in their language."""

import codecs
import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _refuse_constant(name: str):
    # Python's json module accepts NaN and Infinity; JSON (RFC 8259) does not, and neither do we.
    raise ValueError(_("%(name)s is not a number JSON allows.") % {"name": name})


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with translated messages that say where the body went wrong."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
            data = json.loads(text, parse_constant=_refuse_constant)
            # JSON's \ud800-style escapes can name half a character, which no text column can store.
            json.dumps(data, ensure_ascii=False).encode("utf-8")
            return data
        except LookupError:
            raise ParseError(_("Unknown character set “%(encoding)s”.") % {"encoding": encoding}) from None
        except RecursionError:
            # The decoder recurses once per level; [[[[…]]]] a hundred thousand deep would exhaust the stack.
            raise ParseError(_("The request body is nested too deeply.")) from None
        except UnicodeEncodeError:
            raise ParseError(_("The request body holds an escaped half of a character (a lone surrogate).")) from None
        except UnicodeDecodeError:
            raise ParseError(_("The request body is not valid %(encoding)s text.") % {"encoding": encoding}) from None
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("The request body is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from None
        except ValueError as exc:
            raise ParseError(_("The request body is not valid JSON: %(problem)s") % {"problem": exc}) from None
