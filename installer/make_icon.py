"""Draw the VetDesk application icon (PNG and multi-size ICO) with Pillow."""

from __future__ import annotations

import argparse
import struct
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_SIZE = 512
SUPERSAMPLE = 8

BACKGROUND_TOP = (24, 115, 140)
BACKGROUND_BOTTOM = (14, 74, 102)
BAR_COLOUR = (255, 255, 255)
ACCENT_COLOUR = (255, 196, 61)


def _vertical_gradient(size: int) -> Image.Image:
    """Return a square RGBA image shaded from the top colour to the bottom colour."""
    column = Image.new("RGBA", (1, size))
    for y in range(size):
        t = y / max(size - 1, 1)
        rgb = tuple(
            round(a + (b - a) * t) for a, b in zip(BACKGROUND_TOP, BACKGROUND_BOTTOM, strict=True)
        )
        column.putpixel((0, y), (*rgb, 255))
    return column.resize((size, size))


def draw_icon(size: int) -> Image.Image:
    """Return the icon drawn at ``size`` pixels, supersampled for clean edges."""
    big = size * SUPERSAMPLE
    unit = big / 64  # the design is laid out on a 64x64 grid

    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (unit * 2, unit * 2, big - unit * 2, big - unit * 2), radius=unit * 13, fill=255
    )
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    image.paste(_vertical_gradient(big), (0, 0), mask)

    draw = ImageDraw.Draw(image)
    # Three rising bars: the "data desk" read at any size, down to 16 px.
    bars = ((14, 36), (27, 26), (40, 16))
    for left, top in bars:
        draw.rounded_rectangle(
            (unit * left, unit * top, unit * (left + 10), unit * 50),
            radius=unit * 2.5,
            fill=BAR_COLOUR,
        )
    # Baseline of the chart, in the accent colour.
    draw.rounded_rectangle(
        (unit * 11, unit * 51, unit * 53, unit * 55), radius=unit * 2, fill=ACCENT_COLOUR
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _bmp_entry(image: Image.Image) -> bytes:
    """Return one ICO directory entry's image as a 32-bit BMP (BITMAPINFOHEADER + XOR + AND masks)."""
    width, height = image.size
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rgba = image.convert("RGBA")
    rows = []
    for y in range(height - 1, -1, -1):  # bottom-up
        row = bytearray()
        for x in range(width):
            r, g, b, a = rgba.getpixel((x, y))
            row += bytes((b, g, r, a))
        rows.append(bytes(row))
    and_row_bytes = ((width + 31) // 32) * 4
    and_mask = b"\x00" * and_row_bytes * height  # alpha channel carries transparency
    return header + b"".join(rows) + and_mask


def write_ico(path: Path, sizes: tuple[int, ...] = ICO_SIZES) -> None:
    """Write a multi-size ICO: BMP entries up to 128 px, a PNG entry at 256 px (as Windows' own icons)."""
    blobs = []
    for size in sizes:
        image = draw_icon(size)
        if size >= 256:
            buffer = BytesIO()
            image.save(buffer, format="PNG", optimize=True)
            blobs.append(buffer.getvalue())
        else:
            blobs.append(_bmp_entry(image))
    offset = 6 + 16 * len(sizes)
    directory = bytearray(struct.pack("<HHH", 0, 1, len(sizes)))
    for size, blob in zip(sizes, blobs, strict=True):
        dim = 0 if size >= 256 else size
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(blob), offset)
        offset += len(blob)
    path.write_bytes(bytes(directory) + b"".join(blobs))


def main(argv: list[str] | None = None) -> int:
    """Write ``vetdesk.ico`` and ``vetdesk.png`` into the output folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=ICON_DIR, help="output folder (resources/icons)"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    write_ico(args.out / "vetdesk.ico")
    draw_icon(PNG_SIZE).save(args.out / "vetdesk.png", format="PNG", optimize=True)
    print(f"wrote {args.out / 'vetdesk.ico'} and {args.out / 'vetdesk.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
