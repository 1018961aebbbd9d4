"""Files a bot uploads, read as a Discord client would show them: a `.png` has to be a whole PNG.

Discord stores any bytes, but a picture that is not a valid PNG shows as a broken file, so the
stand-in counts one as a violation.
"""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # bytes per pixel at 8 bits, by PNG colour type


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, once its structure is checked: the signature, each chunk's CRC,
    IHDR first and IEND last, and image data that inflates to exactly the rows IHDR promises."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("no PNG signature")
    chunks: list[tuple[bytes, bytes]] = []
    at = len(PNG_SIGNATURE)
    while at < len(data):
        if at + 12 > len(data):
            raise ValueError("a chunk is cut short")
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length] or b"\0\0\0\0")
        if len(body) != length or zlib.crc32(kind + body) != crc:
            raise ValueError(f"chunk {kind!r} is damaged")
        chunks.append((kind, body))
        at += 12 + length
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise ValueError("IHDR must come first and IEND last")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    if depth == 8 and colour in _CHANNELS and not interlace:
        expected = height * (1 + width * _CHANNELS[colour])
        if len(pixels) != expected:
            raise ValueError(f"image data holds {len(pixels)} bytes, not the {expected} of {width}x{height}")
    return width, height


def upload_problems(files: dict[str, bytes]) -> list[str]:
    """What a person would see broken among uploaded files."""
    problems = []
    for name, content in files.items():
        if name.lower().endswith(".png"):
            try:
                png_size(content)
            except (ValueError, struct.error, zlib.error) as error:
                problems.append(f"{name} is not a valid PNG: {error}")
    return problems
