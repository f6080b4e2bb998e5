from complaints.jobs.worker_runner import run
from complaints.settings import Settings
from sla_worker.settings import worker_settings

run("sla_worker", worker_settings(Settings()))
