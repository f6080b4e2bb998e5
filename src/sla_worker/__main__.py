from complaints.settings import Settings
from complaints.worker_runner import run
from sla_worker.settings import worker_settings

run("sla_worker", worker_settings(Settings()))
