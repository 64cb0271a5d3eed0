"""A small closed-loop HTTP load generator (asyncio, loopback only, bounded in time and count).

Each virtual client sends one request, waits for the whole answer, then sends the next, on a fresh
connection each time (gunicorn's sync workers close after every response, for labapp and baseline alike).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

Request = tuple[str, str, dict[str, str], bytes]  # method, path, headers, body


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies_ms)

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


async def fetch(port: int, request: Request, timeout: float = 10.0) -> Response:
    """One request on a new loopback connection; the whole response.

    The answer is complete when Content-Length bytes of body have arrived, as a browser or nginx
    sees it; the connection is closed then, without waiting for the server's own close.
    """
    method, path, headers, body = request
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        lines += [f"{key}: {value}" for key, value in headers.items()]
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        status_line, *header_lines = head[:-4].decode("latin-1").split("\r\n")
        parsed = [tuple(part.strip() for part in line.split(":", 1)) for line in header_lines if ":" in line]
        length = next((int(value) for key, value in parsed if key.lower() == "content-length"), None)
        read = reader.readexactly(length) if length is not None else reader.read()
        payload = await asyncio.wait_for(read, timeout)
    finally:
        writer.close()
    return Response(int(status_line.split()[1]), parsed, payload)  # type: ignore[arg-type]


def run(port: int, make_request: Callable[[int, int], Request], *, clients: int, seconds: float,
        max_requests: int = 1_000_000, warmup: float = 0.3) -> Result:
    """`clients` concurrent clients for `seconds` (after a warm-up), sending at most `max_requests`."""
    return asyncio.run(_run(port, make_request, clients, seconds, max_requests, warmup))


async def _run(port: int, make_request: Callable[[int, int], Request], clients: int, seconds: float,
               max_requests: int, warmup: float) -> Result:
    result = Result()
    started = time.perf_counter()
    measure_from = started + warmup
    stop_at = measure_from + seconds
    issued = 0

    async def client(number: int) -> None:
        nonlocal issued
        serial = 0
        while time.perf_counter() < stop_at and issued < max_requests:
            issued += 1
            request = make_request(number, serial)
            serial += 1
            t0 = time.perf_counter()
            try:
                response = await fetch(port, request)
            except (TimeoutError, OSError, ValueError, IndexError, EOFError, asyncio.LimitOverrunError):
                result.errors += 1
                continue
            t1 = time.perf_counter()
            if measure_from <= t1 <= stop_at:  # throughput: answers completed inside the window
                result.latencies_ms.append((t1 - t0) * 1000)
                result.statuses[response.status] = result.statuses.get(response.status, 0) + 1

    await asyncio.gather(*(client(n) for n in range(clients)))
    result.seconds = min(time.perf_counter(), stop_at) - measure_from
    return result
