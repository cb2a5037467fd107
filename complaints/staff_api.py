"""The staff API under /api/v1/staff/: the complaints a staff member may see, and what they may do."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from boundaries.models import Jurisdiction, TaskForce
from complaints import access, workflow
from complaints.filters import StaffComplaintFilter
from complaints.models import Complaint, ComplaintEvent, Status
from complaints.serializers import CodeRelatedField, ComplaintSerializer, PhotoUploadField, StrictSerializer
from complaints.tracking import normalize_tracking_code
from complaints.views import ComplaintPagination


class IsStaff(permissions.BasePermission):
    message = _("Only PEKA staff (task forces, supervisors, city admins) may use this.")

    def has_permission(self, request, view):
        return access.is_staff_member(request.user)


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = ComplaintEvent
        fields = ["at", "kind", "from_status", "to_status", "note", "public", "actor"]


class StaffComplaintSerializer(ComplaintSerializer):
    """The public fields and what staff need besides: the reporter, the workflow state."""

    duplicate_of = serializers.SlugRelatedField(slug_field="tracking_code", read_only=True)
    allowed_transitions = serializers.SerializerMethodField()
    asset = serializers.SerializerMethodField()
    reported_location = GeometryField(read_only=True, allow_null=True)
    external_body = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta(ComplaintSerializer.Meta):
        fields = [
            *ComplaintSerializer.Meta.fields,
            "allowed_transitions",
            "answers",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "closed_at",
            "reopen_count",
            "rating",
            "duplicate_of",
            "asset",
            "reported_location",
            "external_body",
            "version",
        ]

    def get_asset(self, complaint) -> dict | None:
        """The asset it was filed on; its history: GET /api/v1/staff/assets/<id>/."""
        a = complaint.asset
        return {"id": a.id, "ref": a.ref, "kind": a.kind.code, "owner": a.owner} if a else None

    def get_allowed_transitions(self, complaint) -> list[str]:
        return workflow.allowed_transitions(complaint)


class StaffComplaintDetailSerializer(StaffComplaintSerializer):
    events = EventSerializer(many=True, read_only=True)
    asset_history = serializers.SerializerMethodField()
    forwarding = serializers.SerializerMethodField()

    class Meta(StaffComplaintSerializer.Meta):
        fields = [*StaffComplaintSerializer.Meta.fields, "events", "asset_history", "forwarding"]

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


class StaffComplaintList(StaffScoped, generics.ListAPIView):
    """The complaints this staff member may see, overdue first, then by due time."""

    serializer_class = StaffComplaintSerializer
    filterset_class = StaffComplaintFilter
    pagination_class = ComplaintPagination


class StaffComplaintDetail(StaffScoped, APIView):
    @extend_schema(responses=StaffComplaintDetailSerializer)
    def get(self, request, tracking_code):
        complaint = self.scoped_complaint(tracking_code)
        return Response(StaffComplaintDetailSerializer(complaint, context={"request": request}).data)


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


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(max_length=4000)
    public = serializers.BooleanField(default=False)


class ReassignSerializer(StrictSerializer):
    task_force = CodeRelatedField(slug_field="code", queryset=TaskForce.objects.all())
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False, min_value=1)


class StaffAction(StaffScoped, APIView):
    input_serializer: type[serializers.Serializer]

    def post(self, request, tracking_code):
        complaint = self.scoped_complaint(tracking_code)
        incoming = self.input_serializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        self.act(complaint, **incoming.validated_data)
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(StaffComplaintDetailSerializer(complaint, context={"request": request}).data)


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
