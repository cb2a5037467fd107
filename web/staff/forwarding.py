"""Staff endpoints for bodies outside the city: forward a complaint by hand, and record a body's reply."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import access
from complaints.workflow import complaint_forward
from forwarding.models import ExternalBody, Forwarding
from forwarding.services import ReplyInvalid, forwarding_reply
from geo.rest import CodeRelatedField, StrictSerializer
from web.staff.api import IsStaff, StaffScoped


class ForwardingSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="code", read_only=True)
    body_name = serializers.CharField(source="body.name", read_only=True)

    class Meta:
        model = Forwarding
        fields = [
            "reference",
            "body",
            "body_name",
            "status",
            "attempts",
            "external_ref",
            "reply",
            "sent_at",
            "answered_at",
        ]


class ForwardSerializer(StrictSerializer):
    body = CodeRelatedField(
        slug_field="code", queryset=ExternalBody.objects.all(), help_text="The body's code, e.g. PLN."
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(required=False)


class ReplySerializer(StrictSerializer):
    external_ref = serializers.CharField(max_length=120, help_text="The body's own number for the complaint.")
    reply = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


@extend_schema(request=ForwardSerializer, responses=ForwardingSerializer)
class StaffForward(StaffScoped, APIView):
    """Forward an open complaint to a body outside the city (status ``diteruskan``)."""

    def post(self, request, tracking_code):
        complaint = self.scoped_complaint(tracking_code)
        incoming = ForwardSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        complaint = complaint_forward(
            complaint=complaint, body=data["body"], actor=request.user, note=data["note"], version=data.get("version")
        )
        return Response(ForwardingSerializer(complaint.forwarding).data)


@extend_schema(request=ReplySerializer, responses=ForwardingSerializer)
class StaffForwardingReply(APIView):
    """Record what the body answered to an e-mailed forwarding (it quotes our reference, PEKA-…)."""

    permission_classes = [IsStaff]

    def post(self, request, reference):
        forwarding = (
            Forwarding.objects.filter(reference=reference.strip().upper())
            .filter(complaint__in=access.staff_complaints(request.user).values("pk"))
            .first()
        )
        if forwarding is None:
            raise NotFound()
        incoming = ReplySerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            forwarding = forwarding_reply(forwarding=forwarding, **incoming.validated_data)
        except ReplyInvalid as exc:
            raise ValidationError({"external_ref": [str(exc)]}) from exc
        return Response(ForwardingSerializer(forwarding).data)
