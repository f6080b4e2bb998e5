"""Per-client rate limits shared by every API process: a counter per window in Redis.

When Redis is unreachable the limit is not enforced (and that is logged): the web form keeps
taking complaints, as intake does, rather than failing because a safeguard is down.
"""

import hashlib
import logging
from dataclasses import dataclass

from arq import ArqRedis

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int


async def check(
    redis: ArqRedis | None, *, bucket: str, client: str, limit: int, window_seconds: int, now: float
) -> Verdict:
    if redis is None:
        return Verdict(True, 0)
    window = int(now // window_seconds)
    # The address is personal data: only a digest of it goes into Redis.
    who = hashlib.sha256(client.encode()).hexdigest()[:24]
    key = f"complaints:ratelimit:{bucket}:{who}:{window}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, window_seconds * 2)
            count, _ = await pipe.execute()
    except Exception as error:
        log.warning("rate limit %s not enforced, Redis unavailable: %s", bucket, type(error).__name__)
        return Verdict(True, 0)
    retry_after = window_seconds - int(now % window_seconds)
    return Verdict(int(count) <= limit, retry_after)
