#!/usr/bin/env python3
"""Writes pillow-decodes.json: how Pillow (an independent libjpeg-turbo front end) decodes our real JPEGs.

Run from the repository root with a Python that has Pillow (the anchors venv):
    /tmp/vs-anchors/.venv/bin/python Tests/ImagingTests/Fixtures/make_pillow_fixtures.py
Also writes cmyk-adobe.jpg: a small CMYK JPEG saved by Pillow (Adobe marker, inverted samples), cut from a sample.
For every file: size, per-channel sums over the whole RGB image, and 64 pixels on a fixed grid.
"""
import json
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))


def describe(path):
    with Image.open(path) as im:
        mode = im.mode
        rgb = im.convert("RGB")
    w, h = rgb.size
    data = rgb.tobytes()
    sums = [sum(data[c::3]) for c in range(3)]
    samples = []
    for j in range(8):
        for i in range(8):
            x = (2 * i + 1) * w // 16
            y = (2 * j + 1) * h // 16
            o = (y * w + x) * 3
            samples.append([x, y, data[o], data[o + 1], data[o + 2]])
    return {"width": w, "height": h, "pillow_mode": mode, "channel_sums": sums, "samples": samples}


def main():
    cmyk_path = os.path.join(HERE, "cmyk-adobe.jpg")
    with Image.open(os.path.join(ROOT, "assets", "samples", "fruits.jpg")) as im:
        im.convert("RGB").resize((96, 90), Image.BILINEAR).convert("CMYK").save(cmyk_path, quality=92)
    files = {}
    for name in sorted(os.listdir(os.path.join(ROOT, "assets", "samples"))):
        if name.endswith(".jpg"):
            files["assets/samples/" + name] = describe(os.path.join(ROOT, "assets", "samples", name))
    for name in ["progressive-suzanne.jpg", "grayscale-chessboard.jpg", "cmyk-adobe.jpg"]:
        files["Tests/ImagingTests/Fixtures/" + name] = describe(os.path.join(HERE, name))
    import PIL
    # One file per line keeps diffs readable.
    lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in files.items()]
    with open(os.path.join(HERE, "pillow-decodes.json"), "w") as f:
        f.write('{"generator": "make_pillow_fixtures.py", "pillow": %s, "files": {\n' % json.dumps(PIL.__version__))
        f.write(",\n".join(lines) + "\n}}\n")


if __name__ == "__main__":
    main()
