"""An arq worker that rides out a Redis restart instead of dying on the first failed poll.

arq lets a Redis error escape its poll loop, which ends the worker. Jobs live in the outbox,
so nothing is lost either way, but a worker that stops whenever Redis blinks needs an outside
restart to route again. This one logs, backs off and polls again; redis-py reconnects.
"""

import asyncio
import logging

from arq.worker import Worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
_MAX_BACKOFF_SECONDS = 1.0


class ResilientWorker(Worker):
    _failures = 0

    async def _poll_iteration(self) -> None:
        # Overrides a private method of arq (pinned below 0.29): the whole of one poll.
        try:
            await super()._poll_iteration()
        except REDIS_DOWN as error:
            self._failures += 1
            if self._failures == 1:
                log.warning("Redis unreachable, polling on: %s", error)
            await asyncio.sleep(min(self.poll_delay_s * 2**self._failures, _MAX_BACKOFF_SECONDS))
            return
        if self._failures:
            log.info("Redis reachable again after %d failed polls", self._failures)
            self._failures = 0

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        # arq takes a slot (semaphore + counter) before it talks to Redis and gives it back only
        # through the job's task: a Redis error in between would leak the slot for good.
        for job_id in job_ids:
            try:
                await super().start_jobs([job_id])
            except REDIS_DOWN:
                if job_id.decode() not in self.tasks:
                    self.job_counter -= 1
                    self.sem.release()
                raise
