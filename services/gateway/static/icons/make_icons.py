"""Draws the installed app's PNG icons from the favicon's shape (a white T on the
brand blue): `python services/gateway/static/icons/make_icons.py` rewrites them.

"any" icons fill the square with rounded corners like favicon.svg; "maskable" ones are
full bleed with the T inside the central 80% circle, the part every Android launcher
mask keeps (https://web.dev/maskable-icon/). The PNGs are committed: the gateway and
the TWA build read the files, nobody needs Pillow at run time."""
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
BLUE, WHITE = "#0b5cad", "#ffffff"
# favicon.svg's T on its 32-unit grid
T_SHAPE = [(8, 9), (24, 9), (24, 13), (18, 13), (18, 25), (14, 25), (14, 13), (8, 13)]


def icon(size, maskable):
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, size, size), fill=BLUE)
        scale, offset = size * 0.6 / 32, size * 0.2  # the T within the safe zone
    else:
        draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size * 6 // 32, fill=BLUE)
        scale, offset = size / 32, 0.0
    draw.polygon([(offset + x * scale, offset + y * scale) for x, y in T_SHAPE], fill=WHITE)
    return image


def main():
    for size in (192, 512):
        icon(size, False).save(HERE / f"icon-{size}.png", optimize=True)
        icon(size, True).convert("RGB").save(HERE / f"maskable-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
