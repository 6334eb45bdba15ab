#!/usr/bin/env python3
"""Draws the web app's PNG icons (Public/assets/icons/) with the standard library only (zlib + struct).

    python3 deploy/make-icons.py        # rewrites icon-192.png, icon-512.png, icon-maskable-512.png

The drawing: three rising white bars on MonPS green. The maskable icon fills its whole square and keeps the bars
inside the central 60 % (the safe zone is the central circle of 80 %); the others have rounded corners.
"""
import os
import struct
import zlib

GREEN = (11, 110, 79)
WHITE = (255, 255, 255)


def png(width, height, pixel):
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows.extend(pixel(x, y))
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def icon(size, maskable):
    radius = 0 if maskable else size * 0.18
    inner = 0.60 if maskable else 0.70
    left = size * (1 - inner) / 2
    span = size * inner
    bar_w = span / 4.2
    gap = (span - 3 * bar_w) / 2
    bottom = size * (1 - (1 - inner) / 2)
    heights = (0.45, 0.7, 1.0)
    bars = [(left + i * (bar_w + gap), bottom - span * h, left + i * (bar_w + gap) + bar_w, bottom) for i, h in enumerate(heights)]

    def inside_rounded(x, y):
        if radius == 0:
            return True
        cx = min(max(x, radius), size - radius)
        cy = min(max(y, radius), size - radius)
        return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2

    def pixel(x, y):
        px, py = x + 0.5, y + 0.5
        if not inside_rounded(px, py):
            return (0, 0, 0, 0)
        for (x0, y0, x1, y1) in bars:
            if x0 <= px <= x1 and y0 <= py <= y1:
                return WHITE + (255,)
        return GREEN + (255,)

    return png(size, size, pixel)


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources", "MonPS", "Resources", "Public", "assets", "icons")
    os.makedirs(out, exist_ok=True)
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False), ("icon-maskable-512.png", 512, True)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(icon(size, maskable))
        print(name, size, "maskable" if maskable else "")


if __name__ == "__main__":
    main()
