from complaints.jobs.worker_runner import run
from routing_worker.settings import WORKER

run("routing_worker", WORKER)
