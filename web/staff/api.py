"""The staff API under /api/v1/staff/: the complaints a staff member may see, and what they may do."""

import hashlib

from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Count, Max, TextField, Value
from django.db.models.functions import Cast, Concat
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from boundaries.models import Jurisdiction, TaskForce
from complaints import access, assignment, idempotency, moderation, replies, workflow
from complaints.intake import complaint_create_validated
from complaints.models import Channel, Complaint, ComplaintEvent, Status, overdue_q
from complaints.onsite import DevicePosition
from complaints.reporter_contact import contact_reveal, contact_views
from complaints.tracking import normalize_tracking_code
from disclosure.public import public_description
from disclosure.reporter import private_url
from geo.rest import CodeRelatedField, StrictSerializer
from geo.spatial import WGS84
from web.public.filters import StaffComplaintFilter
from web.public.serializers import ComplaintCreateSerializer, ComplaintSerializer, PhotoSerializer, PhotoUploadField
from web.public.views import ComplaintPagination


class IsStaff(permissions.BasePermission):
    message = _("Only PEKA staff (task forces, supervisors, city admins) may use this.")

    def has_permission(self, request, view):
        return access.is_staff_member(request.user)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)
    assignee = serializers.CharField(source="assignee.username", default=None)

    class Meta:
        model = ComplaintEvent
        fields = [
            "at",
            "kind",
            "from_status",
            "to_status",
            "note",
            "public",
            "actor",
            "assignee",
            "verified_on_site",
            "site_distance_m",
            "site_evidence",
        ]


class StaffPhotoSerializer(PhotoSerializer):
    """Every photo, with what moderation needs: its id and whether the public sees it."""

    class Meta(PhotoSerializer.Meta):
        fields = ["id", *PhotoSerializer.Meta.fields, "hidden"]


class StaffComplaintSerializer(ComplaintSerializer):
    """The public fields and what staff need besides: the workflow state, the original text and every
    photo (with what the public reads beside them), the officer. Never the reporter's contact: only
    whether there is one (``reporter_contact``; false when the reporter asked to stay anonymous), read
    through POST …/contact/, which logs each reading (complaints.reporter_contact)."""

    duplicate_of = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True)
    allowed_transitions = serializers.SerializerMethodField()
    description = serializers.CharField(read_only=True)
    photos = StaffPhotoSerializer(many=True, read_only=True)
    public_description = serializers.SerializerMethodField()
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)
    asset = serializers.SerializerMethodField()
    reported_location = GeometryField(read_only=True, allow_null=True)
    external_body = serializers.SlugRelatedField(slug_field="code", read_only=True)
    reporter_contact = serializers.SerializerMethodField()
    reporter_anonymous = serializers.BooleanField(read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "allowed_transitions",
            "answers",
            "reporter_contact",
            "reporter_anonymous",
            "closed_at",
            "reopen_count",
            "rating",
            "duplicate_of",
            "assigned_to",
            "public_description",
            "held",
            "asset",
            "reported_location",
            "external_body",
            "version",
        ]

    def get_asset(self, complaint) -> dict | None:
        """The asset it was filed on; its history: GET /api/v1/staff/assets/<id>/."""
        a = complaint.asset
        return {"id": a.id, "ref": a.ref, "kind": a.kind.code, "owner": a.owner} if a else None

    def get_reporter_contact(self, complaint) -> bool:
        """Whether "tampilkan kontak" has anything to show this staff member."""
        return complaint.has_reporter_contact and not complaint.reporter_anonymous

    def get_allowed_transitions(self, complaint) -> list[str]:
        return workflow.allowed_transitions(complaint)

    def get_public_description(self, complaint) -> str:
        return public_description(complaint)


class StaffComplaintDetailSerializer(StaffComplaintSerializer):
    events = EventSerializer(many=True, read_only=True)
    asset_history = serializers.SerializerMethodField()
    forwarding = serializers.SerializerMethodField()
    contact_views = serializers.SerializerMethodField()

    class Meta(StaffComplaintSerializer.Meta):
        fields = [*StaffComplaintSerializer.Meta.fields, "events", "asset_history", "forwarding", "contact_views"]

    @extend_schema_field(
        {
            "type": "array",
            "nullable": True,
            "items": {"type": "object", "properties": {"actor": {"type": "string"}, "at": {"type": "string"}}},
            "description": "Who read the reporter's contact, newest first; null unless you supervise the agency.",
        }
    )
    def get_contact_views(self, complaint) -> list[dict] | None:
        views = contact_views(self.context["request"].user, complaint)
        if views is None:
            return None
        at = serializers.DateTimeField()
        return [{"actor": v.actor.get_username(), "at": at.to_representation(v.at)} for v in views]

    def get_asset_history(self, complaint) -> list[dict]:
        """The other complaints on the same asset that this staff member may see, newest first."""
        if not complaint.asset_id:
            return []
        others = (
            access.staff_complaints(self.context["request"].user)
            .filter(asset_id=complaint.asset_id)
            .exclude(pk=complaint.pk)
            .order_by("-created_at")[:50]
        )
        return [
            {
                "tracking_code": c.tracking_code,
                "status": c.status,
                "created_at": c.created_at,
                "description": c.description,
            }
            for c in others
        ]

    def get_forwarding(self, complaint) -> dict | None:
        forwarding = getattr(complaint, "forwarding", None) if complaint.external_body_id else None
        if forwarding is None:
            return None
        fields = ["reference", "status", "attempts", "last_error", "external_ref", "reply", "sent_at", "answered_at"]
        return {f: getattr(forwarding, f) for f in fields}


class StaffScoped:
    permission_classes = [IsStaff]

    def get_queryset(self):
        return access.staff_complaints(self.request.user)

    def scoped_complaint(self, tracking_code: str) -> Complaint:
        complaint = self.get_queryset().filter(tracking_code=normalize_tracking_code(tracking_code)).first()
        if complaint is None:
            raise NotFound()
        return complaint


class JurisdictionSerializer(GeoFeatureModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    task_force = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Jurisdiction
        geo_field = "area"
        id_field = "code"
        fields = ["code", "agency", "task_force", "categories", "priority"]


class StaffJurisdictionList(generics.ListAPIView):
    """The jurisdictions this staff member works, as GeoJSON."""

    permission_classes = [IsStaff]
    serializer_class = JurisdictionSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return access.staff_jurisdictions(self.request.user)


def inbox_etag(request, complaints) -> str:
    """An entity tag for the list ``complaints`` (already filtered) as ``request`` asks for it: the
    inbox asks every few seconds, and one aggregate over the rows' ids and versions answers "nothing
    changed" without serialising them. A complaint entering or leaving the list changes the ids, any
    change to one changes its version, and the overdue count covers a due time that merely passed."""
    state = complaints.order_by().aggregate(
        rows=StringAgg(
            Concat(Cast("id", TextField()), Value(":"), Cast("version", TextField()), output_field=TextField()),
            ",",
            order_by="id",
        ),
        overdue=Count("id", filter=overdue_q()),
        latest=Max("updated_at"),
    )
    seen = [request.user.pk, get_language(), request.GET.urlencode(), state["rows"], state["overdue"], state["latest"]]
    return '"' + hashlib.sha256(repr(seen).encode()).hexdigest()[:32] + '"'


class FiledForCallerSerializer(serializers.Serializer):
    """What staff hear back after filing for a caller: where routing sent it, and the reporter key to
    read out to the caller (only in the first answer, as for any filing)."""

    id = serializers.CharField(source="tracking_code")
    status = serializers.CharField()
    channel = serializers.CharField()
    agency = serializers.CharField(source="agency.code", default=None, read_only=True)
    task_force = serializers.CharField(source="task_force.code", default=None, read_only=True)
    routing_reason = serializers.CharField()
    due_at = serializers.DateTimeField()
    in_your_inbox = serializers.BooleanField()
    reporter_key = serializers.CharField(required=False)
    private_url = serializers.CharField(required=False)


class StaffComplaintList(StaffScoped, generics.ListAPIView):
    """The complaints this staff member may see, overdue first, then by due time. Answers an ETag; the
    same If-None-Match is a bodiless 304. POST files a complaint for a caller (channel "staff")."""

    serializer_class = StaffComplaintSerializer
    filterset_class = StaffComplaintFilter
    pagination_class = ComplaintPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "If-None-Match", str, OpenApiParameter.HEADER, description="The ETag of the answer you hold."
            )
        ],
        responses={200: StaffComplaintSerializer(many=True), 304: OpenApiResponse(description="Nothing changed.")},
    )
    def get(self, request, *args, **kwargs):
        etag = inbox_etag(request, self.filter_queryset(self.get_queryset()))
        response = get_conditional_response(request, etag=etag) or super().get(request, *args, **kwargs)
        response["ETag"] = etag
        return response

    @extend_schema(
        request={"application/json": ComplaintCreateSerializer, "multipart/form-data": ComplaintCreateSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="A retry with the same key and content returns the first complaint.",
            )
        ],
        responses={201: FiledForCallerSerializer},
    )
    def post(self, request):
        key = idempotency.key_from(request)
        incoming = ComplaintCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        complaint, created = complaint_create_validated(
            incoming.validated_data,
            # Staff keys live beside the citizens' in one unique column: one staff member's key is theirs.
            idempotency_key=f"staff-{request.user.pk}:{key}" if key else None,
            channel=Channel.STAFF,
            filed_by=request.user,
        )
        complaint.in_your_inbox = self.get_queryset().filter(pk=complaint.pk).exists()
        if created:
            complaint.private_url = request.build_absolute_uri(private_url(complaint, complaint.reporter_key))
        answer = FiledForCallerSerializer(complaint).data
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(answer, status=status.HTTP_201_CREATED, headers=headers)


class StaffComplaintDetail(StaffScoped, APIView):
    @extend_schema(responses=StaffComplaintDetailSerializer)
    def get(self, request, tracking_code):
        complaint = self.scoped_complaint(tracking_code)
        return Response(StaffComplaintDetailSerializer(complaint, context={"request": request}).data)


class ReporterContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class StaffReporterContact(StaffScoped, APIView):
    """The reporter's name, phone and e-mail, each reading logged (who, when): "tampilkan
    kontak". 403 when the reporter asked to stay anonymous, for every role."""

    @extend_schema(request=None, responses=ReporterContactSerializer)
    def post(self, request, tracking_code):
        complaint = self.scoped_complaint(tracking_code)
        contact = contact_reveal(complaint=complaint, actor=request.user)
        return Response(ReporterContactSerializer(contact).data)


class TransitionSerializer(StrictSerializer):
    to = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    duplicate_of = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you saw; a stale one is a 409."
    )
    photo = PhotoUploadField(required=False, help_text="With selesai: the “after” photo.")
    note_public = serializers.BooleanField(
        default=False, help_text="Show the note on the citizen's tracking page (staff notes are private by default)."
    )
    lat = serializers.FloatField(
        required=False, min_value=-90, max_value=90, help_text="With selesai: the device's latitude at this moment."
    )
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180, help_text="With lat: its longitude.")
    accuracy = serializers.FloatField(
        required=False, min_value=0, max_value=100_000, default=0, help_text="The position's accuracy in metres."
    )

    def validate(self, attrs):
        """lat and lon come together and become the device's position (never stored: only the verdict)."""
        lat, lon, accuracy = attrs.pop("lat", None), attrs.pop("lon", None), attrs.pop("accuracy")
        if (lat is None) != (lon is None):
            raise serializers.ValidationError({"lon" if lon is None else "lat": [_("Send lat and lon together.")]})
        if lat is not None:
            attrs["position"] = DevicePosition(Point(lon, lat, srid=WGS84), accuracy)
        return attrs


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=4000)
    public = serializers.BooleanField(default=False)


class ReassignSerializer(StrictSerializer):
    task_force = CodeRelatedField(slug_field="code", queryset=TaskForce.objects.all())
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class StaffAction(StaffScoped, APIView):
    """A change to one complaint. With an Idempotency-Key it is done once (complaints.idempotency): a
    retry is answered with the complaint as it is now and ``Idempotent-Replayed: true``. A conflict is
    a 409 with the reason only; the inbox then reads the complaint as it is now and shows the officer
    both versions instead of overwriting one."""

    input_serializer: type[serializers.Serializer]

    def post(self, request, tracking_code):
        complaint = self.scoped_complaint(tracking_code)
        key = idempotency.key_from(request)
        incoming = self.input_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        done_now = idempotency.once(
            user=request.user,
            key=key,
            action=request.resolver_match.url_name,
            complaint=complaint,
            request_fingerprint=idempotency.fingerprint(request) if key else "",
            perform=lambda: self.act(complaint, **incoming.validated_data),
        )
        complaint = self.get_queryset().get(pk=complaint.pk)
        headers = {} if done_now else {"Idempotent-Replayed": "true"}
        return Response(StaffComplaintDetailSerializer(complaint, context={"request": request}).data, headers=headers)


class StaffReplies(StaffScoped, APIView):
    """The response templates that fit one complaint, filled in Indonesian and English."""

    @extend_schema(
        responses=inline_serializer(
            "StaffReply",
            {"id": serializers.IntegerField(), "title": serializers.CharField(), "text": serializers.DictField()},
            many=True,
        )
    )
    def get(self, request, tracking_code):
        return Response(replies.filled_templates(self.scoped_complaint(tracking_code)))


@extend_schema(request=TransitionSerializer, responses=StaffComplaintDetailSerializer)
class StaffTransition(StaffAction):
    """Move a complaint along the workflow (409 when the move does not fit its status or version)."""

    input_serializer = TransitionSerializer

    def act(self, complaint, *, to, **data):
        workflow.complaint_transition(complaint=complaint, actor=self.request.user, to_status=to, **data)


@extend_schema(request=NoteSerializer, responses=StaffComplaintDetailSerializer)
class StaffNote(StaffAction):
    """Add a note; public ones show on the citizen's tracking page."""

    input_serializer = NoteSerializer

    def act(self, complaint, **data):
        workflow.complaint_note(complaint=complaint, actor=self.request.user, **data)


@extend_schema(request=ReassignSerializer, responses=StaffComplaintDetailSerializer)
class StaffReassign(StaffAction):
    """Give the complaint to another task force of its agency (supervisors and city admins)."""

    input_serializer = ReassignSerializer

    def act(self, complaint, **data):
        if not access.can_reassign(self.request.user, complaint):
            raise PermissionDenied(_("Only the agency's supervisor or a city admin may reassign."))
        workflow.complaint_reassign(complaint=complaint, actor=self.request.user, **data)


@extend_schema_field({"type": "string", "nullable": True, "description": "An officer's username, or null."})
class OfficerField(serializers.CharField):
    """A staff member named by username; null for nobody."""

    def run_validators(self, value):
        """The text's validators (its length) run on the username, in to_internal_value."""

    def to_internal_value(self, data):
        username = super().to_internal_value(data)
        super().run_validators(username)
        officer = get_user_model().objects.filter(username=username, is_active=True).first()
        if officer is None:
            raise serializers.ValidationError(
                _("No active staff member has the username “%(name)s”.") % {"name": username}
            )
        return officer


class AssignSerializer(StrictSerializer):
    officer = OfficerField(max_length=150, allow_null=True, help_text="The officer's username; null: nobody.")
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="The version you saw; a stale one is a 409."
    )


@extend_schema(request=AssignSerializer, responses=StaffComplaintDetailSerializer)
class StaffAssign(StaffAction):
    """Give the complaint to an officer of its task force, or to nobody (403 when you may not, 400 for
    someone outside the task force, 409 on a stale version)."""

    input_serializer = AssignSerializer

    def act(self, complaint, **data):
        assignment.complaint_assign(complaint=complaint, actor=self.request.user, **data)


class AssignedItemSerializer(StrictSerializer):
    code = serializers.CharField(max_length=20)
    version = serializers.IntegerField(required=False, min_value=1)


class AssignManySerializer(StrictSerializer):
    officer = OfficerField(max_length=150, allow_null=True)
    complaints = AssignedItemSerializer(many=True, allow_empty=False, max_length=200)


class StaffAssignMany(StaffScoped, APIView):
    """Assign many complaints to one officer at once: all of them, or none if one is refused."""

    @extend_schema(
        request=AssignManySerializer,
        responses=StaffComplaintSerializer(many=True),
        operation_id="v1_staff_complaints_assign_many",
    )
    def post(self, request):
        incoming = AssignManySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        items = [(self.scoped_complaint(item["code"]), item.get("version")) for item in data["complaints"]]
        assigned = assignment.complaints_assign(complaints=items, actor=request.user, officer=data["officer"])
        complaints = self.get_queryset().filter(pk__in=[c.pk for c in assigned])
        return Response(StaffComplaintSerializer(complaints, many=True).data)


class Moderating(StaffAction):
    """Moderation: the responsible agency's staff and city admins only."""

    def act(self, complaint, **data):
        if not access.can_moderate(self.request.user, complaint):
            raise PermissionDenied(_("Only the responsible agency's staff may moderate this complaint."))
        self.moderate(complaint, actor=self.request.user, **data)


class RedactSerializer(StrictSerializer):
    text = serializers.CharField(max_length=4000, help_text="The words to hide, as they appear in the description.")
    reason = serializers.CharField(max_length=1000)
    version = serializers.IntegerField(required=False, min_value=1)


@extend_schema(request=RedactSerializer, responses=StaffComplaintDetailSerializer)
class StaffRedact(Moderating):
    """Hide words (a name, a phone number, an insult) from the description the public reads."""

    input_serializer = RedactSerializer

    def moderate(self, complaint, **data):
        moderation.complaint_redact(complaint=complaint, **data)


class HidePhotoSerializer(StrictSerializer):
    photo = serializers.IntegerField(min_value=1, help_text="The photo's id (photos[].id of the staff detail).")
    hidden = serializers.BooleanField(default=True, help_text="false shows a hidden photo again.")
    reason = serializers.CharField(max_length=1000)
    version = serializers.IntegerField(required=False, min_value=1)


@extend_schema(request=HidePhotoSerializer, responses=StaffComplaintDetailSerializer)
class StaffHidePhoto(Moderating):
    """Hide one of the complaint's photos from the public, or show it again."""

    input_serializer = HidePhotoSerializer

    def moderate(self, complaint, *, photo, **data):
        moderation.photo_hide(complaint=complaint, photo_id=photo, **data)
