"""Data: one request per province × ministry × month (its own migration, so that 0004's deferred index
creation never runs in the same PostgreSQL transaction as these row changes)."""

from django.db import migrations


def merge_per_ministry(apps, schema_editor):
    """One request per province × ministry × month: each existing row becomes a ``RequestSystem``
    of the request kept for its (province, ministry, period) — the oldest — and the other rows' systems,
    timeline, files, notifications and chasing markers move to it before they are deleted. The kept
    request's figures become the sums over its systems."""
    Request = apps.get_model("complaints", "SyncGapRequest")
    RequestSystem = apps.get_model("complaints", "RequestSystem")
    related = [
        apps.get_model("complaints", name)
        for name in ("RequestEvent", "RequestAttachment", "Notification")
    ]
    Marker = apps.get_model("complaints", "ChaseMarker")
    keepers = {}
    for case in Request.objects.order_by("pk").iterator():
        RequestSystem.objects.create(
            request_id=case.pk,
            source_id=case.source_id,
            run_id=case.run_id,
            gap_counts=case.gap_counts or {},
            gap_total=case.gap_total,
            dossiers_compared=case.dossiers_compared,
            points_at_stake=case.points_at_stake,
            points_breakdown={"DOSSIER_SYNC": str(case.points_at_stake)} if case.points_at_stake else {},
            latest_gap_counts=case.latest_gap_counts,
            latest_gap_total=case.latest_gap_total,
            latest_checked_at=case.latest_checked_at,
        )
        key = (case.province_id, case.ministry_id, str(case.period))
        keeper = keepers.setdefault(key, case)
        if keeper.pk == case.pk:
            continue
        RequestSystem.objects.filter(request_id=case.pk).update(request_id=keeper.pk)
        for model in related:
            model.objects.filter(request_id=case.pk).update(request_id=keeper.pk)
        taken = set(Marker.objects.filter(request_id=keeper.pk).values_list("stage", "round"))
        for marker in Marker.objects.filter(request_id=case.pk):
            if (marker.stage, marker.round) in taken:
                marker.delete()
            else:
                marker.request_id = keeper.pk
                marker.save(update_fields=["request"])
        case.delete()
    for keeper in keepers.values():
        counts, total, dossiers, points = {}, 0, 0, 0
        for entry in RequestSystem.objects.filter(request_id=keeper.pk):
            for kind, n in (entry.gap_counts or {}).items():
                counts[kind] = counts.get(kind, 0) + int(n)
            total += entry.gap_total
            dossiers += entry.dossiers_compared
            points += entry.points_at_stake
        keeper.gap_counts, keeper.gap_total, keeper.dossiers_compared = counts, total, dossiers
        keeper.points_at_stake = points
        keeper.points_breakdown = {"DOSSIER_SYNC": str(points)} if points else {}
        keeper.save(
            update_fields=["gap_counts", "gap_total", "dossiers_compared", "points_at_stake", "points_breakdown"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_one_request_per_ministry_signed_numbered"),
    ]

    operations = [
        migrations.RunPython(merge_per_ministry, migrations.RunPython.noop),
    ]
