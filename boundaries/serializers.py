from rest_framework_gis.serializers import GeoFeatureModelSerializer

from boundaries.models import Kecamatan, Kelurahan


class AreaSerializer(GeoFeatureModelSerializer):
    """An area as a GeoJSON Feature: its official code as the id, its name, its boundary."""

    class Meta:
        geo_field = "boundary"
        id_field = "code"
        fields = ["code", "name"]


class KecamatanSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        model = Kecamatan


class KelurahanSerializer(AreaSerializer):
    class Meta(AreaSerializer.Meta):
        model = Kelurahan
