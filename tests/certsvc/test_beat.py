"""Every periodic task that beat sends names a task that workers actually have."""

from django.conf import settings

from certsvc.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled <= set(app.tasks), scheduled - set(app.tasks)


def test_beat_runs_the_sweeps_and_the_log_checkpoint():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "certificates.issuance_sweep",
        "notifications_sweep",
        "signing.transparency.tasks.checkpoint_publish",
        "certsvc.worker_heartbeat",
    } <= scheduled
