"""1,000 WebSocket clients of GET /v1/stream on one account; the driver records events and announces them the way
the outbox does (INSERT, then PUBLISH of the NotificationSignal) and measures, per client, the time from the PUBLISH
to the event's arrival. Loopback only; bounded in rounds and time."""
import asyncio, json, os, socket, subprocess, sys, time

import websockets

PORT = int(os.environ["BENCH_PORT"])
TOKEN = os.environ["BENCH_TOKEN"]
USER_ID = os.environ["BENCH_USER_ID"]
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))
REDIS_HOST, REDIS_PORT = "127.0.0.1", int(os.environ["BENCH_REDIS_PORT"])
PREFIX = os.environ.get("BENCH_REDIS_PREFIX", "monps:")
PSQL = os.environ["BENCH_PSQL"].split()

published = {}  # event id -> PUBLISH instant
latencies = []
ready = 0
received = {}


def resp(*args):
    out = f"*{len(args)}\r\n"
    for a in args:
        b = str(a)
        out += f"${len(b.encode())}\r\n{b}\r\n"
    return out.encode()


async def client(index):
    global ready
    url = f"ws://127.0.0.1:{PORT}/v1/stream"
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {TOKEN}"},
                                  ping_interval=None, max_size=2**20, open_timeout=60) as ws:
        async for raw in ws:
            now = time.monotonic()
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "ready":
                ready += 1
            elif "id" in frame and frame["id"] in published:
                latencies.append(now - published[frame["id"]])
                received[frame["id"]] = received.get(frame["id"], 0) + 1


def record_event(round_index):
    sql = (f"INSERT INTO notification_events (user_id, type, subject, payload) VALUES "
           f"('{USER_ID}', 'bet.settled', 'bench-{time.time_ns()}-{round_index}', '{{\"bench\":true}}') RETURNING id")
    out = subprocess.run(PSQL + ["-tAc", sql], check=True, capture_output=True, text=True).stdout
    return int(out.strip().splitlines()[0])


async def main():
    tasks = []
    start = time.monotonic()
    for batch in range(0, CLIENTS, 100):  # batches: stay under the listen backlog
        tasks += [asyncio.create_task(client(i)) for i in range(batch, min(batch + 100, CLIENTS))]
        await asyncio.sleep(0.2)
    while ready < CLIENTS:
        if time.monotonic() - start > 120:
            failed = [t for t in tasks if t.done() and t.exception()]
            print(f"only {ready}/{CLIENTS} streams live after 120 s; {len(failed)} failed: "
                  f"{failed[0].exception() if failed else '-'}")
            break
        await asyncio.sleep(0.1)
    print(f"{ready} streams live in {time.monotonic() - start:.1f} s")
    print("server RSS with streams open:", os.popen(f"grep VmRSS /proc/{os.environ['BENCH_SERVER_PID']}/status").read().split(":")[1].strip())
    redis = socket.create_connection((REDIS_HOST, REDIS_PORT))
    for r in range(ROUNDS):
        event_id = await asyncio.to_thread(record_event, r)
        signal = json.dumps({"user_id": USER_ID, "event_id": event_id})
        published[event_id] = time.monotonic()
        redis.sendall(resp("PUBLISH", PREFIX + "notifications", signal))
        redis.recv(64)
        deadline = time.monotonic() + 10
        while received.get(event_id, 0) < ready and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
    rss = os.popen(f"grep VmRSS /proc/{os.environ['BENCH_SERVER_PID']}/status").read().split(":")[1].strip()
    delivered = len(latencies)
    expected = ROUNDS * ready
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000
    print(f"rounds: {ROUNDS}, deliveries: {delivered}/{expected}")
    if latencies:
        print(f"delivery latency (PUBLISH -> client): p50 {pct(0.50):.1f} ms, p90 {pct(0.90):.1f} ms, "
              f"p99 {pct(0.99):.1f} ms, max {latencies[-1] * 1000:.1f} ms")
    print("server RSS after the broadcasts:", rss)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


asyncio.run(main())
