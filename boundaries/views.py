from rest_framework import generics

from boundaries.models import Kecamatan, Kelurahan
from boundaries.serializers import KecamatanSerializer, KelurahanSerializer


class AreaList(generics.ListAPIView):
    """Every area of one level as a GeoJSON FeatureCollection (WGS84), unpaginated."""

    pagination_class = None
    filter_backends = []


class KecamatanList(AreaList):
    """The city's kecamatan as a GeoJSON FeatureCollection (WGS84)."""

    queryset = Kecamatan.objects.all()
    serializer_class = KecamatanSerializer


class KelurahanList(AreaList):
    """The city's kelurahan as a GeoJSON FeatureCollection (WGS84): the maps' outlines and names where
    no basemap loads."""

    queryset = Kelurahan.objects.all()
    serializer_class = KelurahanSerializer
