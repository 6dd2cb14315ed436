from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from ..models import DocumentJob, JobState


class DocumentJobSerializer(serializers.ModelSerializer):
    """A rendering by a worker: follow ``url`` until ``state`` is ``done``, then fetch ``file_url``."""

    format = serializers.CharField(source="fmt")
    url = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = DocumentJob
        fields = [
            "id",
            "kind",
            "format",
            "params",
            "inputs",
            "state",
            "progress",
            "created_at",
            "started_at",
            "finished_at",
            "expires_at",
            "filename",
            "size",
            "checksum",
            "pages",
            "error",
            "url",
            "file_url",
        ]
        read_only_fields = fields

    def get_url(self, job: DocumentJob) -> str:
        return reverse("reports-api:job", args=[job.pk])

    def get_file_url(self, job: DocumentJob) -> str | None:
        return reverse("reports-api:job-file", args=[job.pk]) if job.state == JobState.DONE else None
