"""A category's own questions ("Berapa lampu yang mati?"), and the answers a complaint gives them.

Questions are configured per category in the admin (complaints.models.CategoryQuestion). Intake,
Open311 and the citizen form all send answers as ``{question code: value}``; ``clean_answers`` is the
one check: a 400 names the question and says what it takes. Answers are stored typed (a number, a
list of keys, true/false, an ISO date), in ``Complaint.answers``.
"""

import math
from datetime import date

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from complaints.models import CategoryQuestion

TEXT_MAX = 500


class AnswersInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _number(value):
    if isinstance(value, bool):
        raise ValueError
    number = float(value)
    if not math.isfinite(number):
        raise ValueError
    return int(number) if number.is_integer() else number


def _yesno(value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "ya", "yes", "1"}:
        return True
    if text in {"false", "tidak", "no", "0"}:
        return False
    raise ValueError


def _one_answer(question, value):
    """The stored form of ``value`` for ``question``, or a ValueError with the message."""
    kind = question.kind
    if kind == "text":
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise ValueError(_("Write text."))
        text = str(value).strip()
        if len(text) > TEXT_MAX:
            raise ValueError(_("At most %(n)d characters.") % {"n": TEXT_MAX})
        if "\x00" in text:
            raise ValueError(_("Null characters are not allowed."))
        return text
    if kind == "number":
        try:
            return _number(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(_("Give a number.")) from None
    if kind == "yesno":
        try:
            return _yesno(value)
        except ValueError:
            raise ValueError(_("Answer yes (true) or no (false).")) from None
    if kind == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(_("Give a date as YYYY-MM-DD.")) from None
    keys = [k for k, _label in question.choices]
    chosen = value if isinstance(value, list) else [value]
    if kind == "choice" and len(chosen) != 1:
        raise ValueError(_("Choose one of: %(keys)s.") % {"keys": ", ".join(keys)})
    if not chosen or any(not isinstance(c, str) or c not in keys for c in chosen):
        raise ValueError(_("Choose from: %(keys)s.") % {"keys": ", ".join(keys)})
    return chosen[0] if kind == "choice" else sorted(set(chosen), key=keys.index)


def clean_answers(category, raw) -> dict:
    """The answers to ``category``'s questions, checked and typed; raises AnswersInvalid naming each
    question that is missing, unknown or answered wrongly."""
    raw = raw or {}
    if not isinstance(raw, dict):
        raise AnswersInvalid({"answers": _("Send the answers as an object: {question code: answer}.")})
    if not raw and not required_questions_exist(category):
        return {}  # nothing to check: the questions themselves need not be read
    questions = {q.code: q for q in category.questions.all()}
    errors, cleaned = {}, {}
    for code in sorted(set(raw) - set(questions)):
        errors[str(code)[:50]] = _("This category has no such question. Its questions: %(codes)s.") % {
            "codes": ", ".join(questions) or "—"
        }
    for code, question in questions.items():
        value = raw.get(code)
        if value is None or value == "" or value == []:
            if question.required:
                errors[code] = _("Required: %(prompt)s") % {"prompt": question.prompt}
            continue
        try:
            cleaned[code] = _one_answer(question, value)
        except ValueError as exc:
            errors[code] = str(exc)
    if errors:
        raise AnswersInvalid(dict(list(errors.items())[:20]))
    return cleaned


def required_questions_exist(category) -> bool:
    """Whether ``category`` has a required question: as annotated by the query that read it
    (``with_required_questions``), else asked."""
    known = getattr(category, "has_required_questions", None)
    return known if known is not None else category.questions.filter(required=True).exists()


def with_required_questions(categories):
    """``categories`` (a queryset) annotated for ``required_questions_exist``, in the same statement."""
    return categories.annotate(
        has_required_questions=Exists(CategoryQuestion.objects.filter(category=OuterRef("pk"), required=True))
    )


# Open311 GeoReport v2 datatypes of each kind.
OPEN311_DATATYPE = {
    "text": "string",
    "number": "number",
    "choice": "singlevaluelist",
    "multiple": "multivaluelist",
    "yesno": "singlevaluelist",
    "date": "datetime",
}
