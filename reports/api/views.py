"""``GET /api/v1/documents/<kind>/?format=&request=&agency=&period=&dossier=``: the file (200), or a
job to follow (202) for large documents; ``/documents/jobs/<id>/`` and ``…/file/``. Thin: the same
services as the pages (``reports.services.access`` and ``jobs``)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.services.signed_letters import SignedLetterAltered

from ..services import jobs
from ..services.access import altered_message, file_response, job_file_response, job_for, target_from_query
from ..services.targets import KIND_SPECS
from .serializers import DocumentJobSerializer

FILE = OpenApiResponse(OpenApiTypes.BINARY, description="the document (PDF, or Word for the letters)")
NOT_FOUND = OpenApiResponse(description="unknown kind, outside your scope, or nothing to report")


class JsonAnswers(APIView):
    """Files are answered as files; everything else (jobs, errors) as JSON — whatever ``?format=``
    says (it names the document's format here, not DRF's renderer)."""

    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        return JSONRenderer(), JSONRenderer.media_type


class DocumentView(JsonAnswers):
    """A document (``kind``) through the permission gate: the file (200), or for a large one a job to
    follow (202). ``format`` is the document's format (pdf; docx for the letters)."""

    @extend_schema(
        operation_id="documents_render",
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KIND_SPECS)),
            OpenApiParameter(
                "format", str, enum=["pdf", "docx"], description="default pdf; docx for the letters"
            ),
            OpenApiParameter("request", int, description="request_letter: the request's id"),
            OpenApiParameter(
                "agency", str, description="monthly_report: a province's code; scorecard: an agency's"
            ),
            OpenApiParameter(
                "period",
                str,
                description="YYYY-MM (scorecard also YYYY-Qn, YYYY); default: last closed month",
            ),
            OpenApiParameter("dossier", str, description="apology_letter: the dossier's code"),
        ],
        responses={
            (200, "application/pdf"): FILE,
            202: DocumentJobSerializer,
            400: OpenApiResponse(description="a parameter is missing or malformed (named in the answer)"),
            404: NOT_FOUND,
            409: OpenApiResponse(
                description="a signed letter whose stored copy no longer matches its SHA-256 "
                "(code signed_letter_altered): never served"
            ),
        },
    )
    def get(self, request, kind: str):
        target = target_from_query(kind, request.query_params, request.user)
        try:
            answer = jobs.ask(target, request.user)
        except SignedLetterAltered as exc:
            return Response(
                {"detail": altered_message(target, exc), "code": "signed_letter_altered"}, status=409
            )
        if answer.rendered is not None:
            return file_response(answer.rendered, target.filename())
        assert answer.job is not None
        if answer.job.state == "done":
            return job_file_response(answer.job)
        return Response(DocumentJobSerializer(answer.job).data, status=202)


class JobView(JsonAnswers):
    """A rendering by a worker: its state, progress, and once done the file's URL and checksum."""

    @extend_schema(operation_id="documents_job", responses={200: DocumentJobSerializer, 404: NOT_FOUND})
    def get(self, request, pk):
        return Response(DocumentJobSerializer(job_for(request.user, pk)).data)


class JobFileView(JsonAnswers):
    """The stored file of a finished rendering (``X-Checksum-SHA256`` carries its SHA-256)."""

    @extend_schema(
        operation_id="documents_job_file",
        responses={
            (200, "application/pdf"): FILE,
            404: OpenApiResponse(description="not ready, expired or not yours"),
        },
    )
    def get(self, request, pk):
        return job_file_response(job_for(request.user, pk))
