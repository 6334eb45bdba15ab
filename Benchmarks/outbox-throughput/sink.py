"""A minimal keep-alive HTTP/1.1 sink for the outbox benchmark: answers every POST 204, counts requests and
distinct X-MonPS-Event-Id values, and prints the counts when it gets SIGTERM or SIGINT."""
import asyncio
import signal
import sys

requests = 0
event_ids = set()


class Sink(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        global requests
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            length = 0
            for line in head[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip())
                elif name == "x-monps-event-id":
                    event_ids.add(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            requests += 1
            self.transport.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")


async def main(port):
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Sink, "127.0.0.1", port)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print("listening", flush=True)
    await stop
    server.close()
    print(f"sink: {requests} requests, {len(event_ids)} distinct event ids", flush=True)


asyncio.run(main(int(sys.argv[1])))
