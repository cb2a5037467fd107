"""Open311 GeoReport v2 over the complaints services: the same intake, validation and routing as the
JSON API, translated to and from the specification's fields, in JSON and XML.

Sensitive categories and reporter data never appear in any GET; ``status`` is ``open`` for
baru/diverifikasi/dikerjakan and ``closed`` for the rest.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import ValidationError

from complaints.intake import OutsideCity, complaint_create_validated
from complaints.models import Category, Channel, Complaint, ComplaintEvent, EventKind, PhotoKind
from complaints.questions import OPEN311_DATATYPE
from complaints.routing import responsible_agency_code
from complaints.tracking import normalize_tracking_code
from disclosure.public import public_categories, public_complaints, public_description, public_photos
from geo.ratelimits import RateLimit, retry_after_seconds, too_many_message
from geo.rest import QUERY_YEARS, query_datetime
from open311.models import ApiKey
from open311.render import FORMATS, error, respond, respond_object
from web.public.serializers import ComplaintCreateSerializer

MAX_RANGE = timedelta(days=90)
MAX_RESULTS = 1000
DEFAULT_PAGE_SIZE = 100
# Pages past this read as this one (empty): the offset stays far inside PostgreSQL's bigint.
MAX_PAGE = 100_000


def open311_view(view):
    """Checks the format and the jurisdiction_id before the view runs."""

    @csrf_exempt  # other systems post with an api_key, not a browser session
    def wrapped(request, fmt, **kwargs):
        if fmt not in FORMATS:
            return error("json", 404, _("Unknown format “%(format)s”: use .json or .xml.") % {"format": fmt})
        # PostgreSQL text cannot hold NUL, so a parameter carrying one can match nothing: refuse it.
        values = [
            *kwargs.values(),
            *(v for query in (request.GET, request.POST) for _k, vs in query.lists() for v in vs),
        ]
        if any("\x00" in value for value in values):
            return error(fmt, 400, _("Parameters may not contain NUL characters."))
        jurisdiction = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
        if jurisdiction and jurisdiction != settings.PEKA_OPEN311_JURISDICTION:
            return error(
                fmt,
                404,
                _("Unknown jurisdiction_id: this server serves %(id)s.") % {"id": settings.PEKA_OPEN311_JURISDICTION},
            )
        return view(request, fmt, **kwargs)

    return wrapped


@open311_view
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311-services", args=["json"])).rsplit("/", 1)[0] + "/"
    return respond_object(
        {
            "changeset": "2026-11-28T00:00:00+07:00",
            "contact": _("Diskominfotiksan Kota Pekanbaru, through the PEKA complaint map."),
            "key_service": _("Ask the city for an API key; it is issued in PEKA's admin."),
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-11-28T00:00:00+07:00",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
        fmt,
        root="discovery",
    )


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.name_id} / {category.name_en}",
        "metadata": bool(category.questions.all()),
        "type": "realtime",
        "keywords": category.code.replace("-", ","),
        "group": responsible_agency_code(category),
    }


@open311_view
def services(request, fmt):
    return respond(
        [_service(c) for c in Category.objects.select_related("agency").prefetch_related("questions")],
        fmt,
        root="services",
        item="service",
    )


@open311_view
def service_definition(request, fmt, code):
    category = Category.objects.filter(code=code).first()
    if category is None:
        return error(fmt, 404, _("Unknown service_code “%(code)s”.") % {"code": code})
    return respond_object(
        {"service_code": category.code, "attributes": [_attribute(q) for q in category.questions.all()]},
        fmt,
        root="service_definition",
    )


def _attribute(question) -> dict:
    """A category question as the spec's attribute."""
    described = {
        "number": _("a number"),
        "date": _("a date, YYYY-MM-DD"),
        "multiple": _("one or more of the values, as attribute[code][]"),
    }
    return {
        "variable": True,
        "code": question.code,
        "datatype": OPEN311_DATATYPE[question.kind],
        "required": question.required,
        "datatype_description": str(described.get(question.kind, "")),
        "order": question.order,
        "description": question.prompt,
        "values": [{"key": key, "name": name} for key, name in question.choices] if question.kind in ("choice", "multiple", "yesno") else [],
    }


def _attributes(data) -> dict:
    """attribute[code] and attribute[code][] of a POST, as {code: value or [values]}."""
    found = {}
    for name in data:
        match = ATTRIBUTE.fullmatch(name)
        if match:
            code, many = match.groups()
            found[code] = data.getlist(name) if many else data.get(name)
    return found


# status_notes: the latest public status note or note, fetched with the requests in one query.
_LATEST_NOTE = (
    ComplaintEvent.objects.filter(complaint=OuterRef("pk"), public=True, kind__in=[EventKind.STATUS, EventKind.NOTE])
    .exclude(note="")
    .order_by("-at", "-id")
    .values("note")[:1]
)


def _request(complaint: Complaint, request) -> dict:
    photo = next((p for p in public_photos(complaint) if p.kind == PhotoKind.REPORT), None)
    local = timezone.localtime
    return {
        "service_request_id": complaint.tracking_code,
        "status": "open" if complaint.is_open else "closed",
        "status_notes": complaint.status_notes or "",
        "service_name": complaint.category.name,
        "service_code": complaint.category.code,
        "description": public_description(complaint),
        "agency_responsible": complaint.agency.name if complaint.agency else "",
        "service_notice": "",
        "requested_datetime": local(complaint.created_at).isoformat(timespec="seconds"),
        "updated_datetime": local(complaint.updated_at).isoformat(timespec="seconds"),
        "expected_datetime": local(complaint.due_at).isoformat(timespec="seconds"),
        "address": ", ".join(
            filter(None, [complaint.kelurahan.name if complaint.kelurahan else "", complaint.kecamatan.name])
        ),
        "address_id": "",
        "zipcode": "",
        "lat": round(complaint.location.y, 6),
        "long": round(complaint.location.x, 6),
        "media_url": request.build_absolute_uri(reverse("photo-file", args=[photo.image.name.split("/")[-1]]))
        if photo
        else "",
    }


def _public_requests():
    return (
        public_complaints()
        .select_related("category", "agency", "kecamatan", "kelurahan")
        .prefetch_related("photos")
        .annotate(status_notes=Subquery(_LATEST_NOTE))
    )


@open311_view
def request_detail(request, fmt, request_id):
    complaint = _public_requests().filter(tracking_code=normalize_tracking_code(request_id)).first()
    if complaint is None:
        return error(fmt, 404, _("No public service request has the id “%(id)s”.") % {"id": request_id})
    return respond([_request(complaint, request)], fmt, root="service_requests", item="request")


@open311_view
def token(request, fmt, token):
    # A private complaint's token answers as if it did not exist: the token is no oracle.
    complaint = public_complaints().filter(tracking_code=normalize_tracking_code(token)).first()
    if complaint is None:
        return error(fmt, 404, _("Unknown token “%(token)s”.") % {"token": token})
    return respond(
        [{"service_request_id": complaint.tracking_code, "token": token}], fmt, root="service_requests", item="request"
    )


@open311_view
def requests(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    if request.method != "GET":
        return error(fmt, 405, _("Use GET or POST."))
    return _get_requests(request, fmt)


def _get_requests(request, fmt) -> HttpResponse:
    params = request.GET
    found = _public_requests().order_by("-created_at", "id")
    if params.get("service_request_id"):
        codes = [normalize_tracking_code(c) for c in params["service_request_id"].split(",") if c.strip()]
        return respond(
            [_request(c, request) for c in found.filter(tracking_code__in=codes)],
            fmt,
            root="service_requests",
            item="request",
        )
    problems = []
    end = _datetime(params.get("end_date"), "end_date", problems) or timezone.now()
    start = _datetime(params.get("start_date"), "start_date", problems) or end - MAX_RANGE
    if not problems and start >= end:
        problems.append(_("start_date must be before end_date."))
    if not problems and end - start > MAX_RANGE:
        problems.append(
            _("start_date and end_date may be at most %(days)s days apart.") % {"days": MAX_RANGE.days}
        )
    status = params.get("status")
    if status and status not in ("open", "closed"):
        problems.append(_("status must be open or closed."))
    page, page_size = (
        _positive(params.get("page"), 1, "page", problems, cap=MAX_PAGE),
        _positive(params.get("page_size"), DEFAULT_PAGE_SIZE, "page_size", problems, cap=MAX_RESULTS),
    )
    if (
        params.get("service_code")
        and not public_categories().filter(code=params["service_code"]).exists()
    ):
        problems.append(_("Unknown service_code “%(code)s”.") % {"code": params["service_code"]})
    if problems:
        return error(fmt, 400, *problems)
    found = found.filter(created_at__gte=start, created_at__lt=end)
    if params.get("service_code"):
        found = found.filter(category__code=params["service_code"])
    if status == "open":
        found = found.open()
    elif status == "closed":
        found = found.closed()
    offset = (page - 1) * page_size
    return respond(
        [_request(c, request) for c in found[offset : offset + page_size]], fmt, root="service_requests", item="request"
    )


def _datetime(value, name, problems):
    """Open311's dates carry their offset (W3C); parsed by geo.rest.query_datetime, as every query's."""
    if not value:
        return None
    try:
        return query_datetime(value, offset_required=True)
    except DjangoValidationError as exc:
        if exc.code == "years":
            problems.append(
                _("%(name)s must lie between the years %(first)d and %(last)d.")
                % {"name": name, "first": QUERY_YEARS[0], "last": QUERY_YEARS[1]}
            )
        else:
            problems.append(
                _("%(name)s must be a W3C date and time with its offset, e.g. 2026-11-01T00:00:00+07:00.")
                % {"name": name}
            )
        return None


def _positive(value, default, name, problems, *, cap: int) -> int:
    """A whole number of at least 1; one above ``cap`` reads as ``cap``."""
    if value in (None, ""):
        return default
    digits = value.lstrip("0")
    # isdecimal, not isdigit: int() refuses "²". Length first: int() refuses more than 4300 digits.
    if not value.isdecimal() or not digits:
        problems.append(_("%(name)s must be a whole number of at least 1.") % {"name": name})
        return default
    return cap if len(digits) > len(str(cap)) else min(int(digits), cap)


class ApiKeyLimit(RateLimit):
    """Posting service requests: PEKA_RATE_LIMIT_OPEN311 per API key (a partner system may post from
    many addresses, and many partners from one)."""

    scope = "open311"
    setting = "PEKA_RATE_LIMIT_OPEN311"

    def __init__(self, api_key: ApiKey):
        self.api_key = api_key
        super().__init__()

    def get_ident(self, request) -> str:
        return str(self.api_key.pk)


def _post_request(request, fmt) -> HttpResponse:
    data = request.POST
    api_key = ApiKey.objects.valid(data.get("api_key", ""))
    if api_key is None:
        return error(fmt, 403, _("A valid api_key is required to post service requests."))
    limit = ApiKeyLimit(api_key)
    if not limit.allow_request(request, None):
        seconds = retry_after_seconds(limit.wait())
        response = error(fmt, 429, too_many_message(seconds))
        response["Retry-After"] = str(seconds)
        return response
    if data.get("address_string") and not (data.get("lat") or data.get("long")):
        return error(fmt, 400, _("This server cannot place an address_string; send lat and long."))
    try:
        lon, lat = float(data.get("long", "")), float(data.get("lat", ""))
    except ValueError:
        return error(fmt, 400, _("lat and long are required and must be numbers."))
    name = " ".join(filter(None, [data.get("first_name", "").strip(), data.get("last_name", "").strip()]))
    reporter = {
        k: v
        for k, v in {
            "name": name,
            "phone": data.get("phone", "").strip(),
            "email": data.get("email", "").strip(),
        }.items()
        if v
    }
    # "Kabari saya": updates after the receipt, only when asked for.
    if data.get("notify", "").strip().lower() in {"true", "1"}:
        reporter["notify"] = True
    answers = _attributes(data)
    # The asset the report is about (GET /api/v1/assets/ gives the ids): attribute[asset], or asset.
    asset = answers.pop("asset", None) or data.get("asset")
    incoming = ComplaintCreateSerializer(
        data={
            "category": data.get("service_code", ""),
            "description": data.get("description", ""),
            "location": {"type": "Point", "coordinates": [lon, lat]},
            **({"reporter": reporter} if reporter else {}),
            **({"answers": answers} if answers else {}),
            **({"asset": asset} if asset else {}),
        }
    )
    try:
        incoming.is_valid(raise_exception=True)
        complaint, _created = complaint_create_validated(incoming.validated_data, channel=Channel.OPEN311)
    except ValidationError as exc:
        return error(fmt, 400, *_flatten(exc.detail))
    except OutsideCity as exc:
        return error(fmt, 400, str(exc))
    answer = {
        "service_request_id": complaint.tracking_code,
        "token": complaint.tracking_code,
        "service_notice": _("Follow it at %(url)s")
        % {"url": request.build_absolute_uri(complaint.get_absolute_url())},
        "account_id": "",
        # Beyond the spec (clients ignore what they do not know): the reporter's key, given once, for
        # the client to pass on to the citizen it filed for (docs/api.md).
        "reporter_key": getattr(complaint, "reporter_key", None) or "",
    }
    return respond([answer], fmt, root="service_requests", item="request", status=201)


SPEC_NAMES = {
    "category": "service_code",
    "location": "lat/long",
    "reporter": "email/phone/first_name",
    "asset": "attribute[asset]",
}
ATTRIBUTE = re.compile(r"attribute\[([A-Za-z0-9_-]{1,40})\](\[\])?")


def _flatten(detail, field=None) -> list[str]:
    if isinstance(detail, dict):
        # A question's error names it as the spec does: attribute[code].
        names = {key: f"attribute[{key}]" if field == "answers" else SPEC_NAMES.get(key, key) for key in detail}
        return [m for key, value in detail.items() for m in _flatten(value, names[key])]
    if isinstance(detail, list):
        return [m for value in detail for m in _flatten(value, field)]
    return [f"{field}: {detail}" if field else str(detail)]
