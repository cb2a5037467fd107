from rest_framework import generics

from boundaries.models import Kecamatan
from boundaries.serializers import KecamatanSerializer


class KecamatanList(generics.ListAPIView):
    """The city's kecamatan as a GeoJSON FeatureCollection (WGS84)."""

    queryset = Kecamatan.objects.all()
    serializer_class = KecamatanSerializer
    pagination_class = None
    filter_backends = []
