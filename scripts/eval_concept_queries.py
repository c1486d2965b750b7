#!/usr/bin/env python3
"""Writes the text -> image evaluation of issue 19 item 7 (stdlib only): uncaptioned photos, category-word queries.

  OUT/photos/pNNN.<ext>  every decodable photo of opencv-doc's example folder (and, with --extra, of scikit-image's
                         data folder), copied under neutral names (the file name becomes the title when none is given)
  OUT/manifest.jsonl     {"id": "pNNN", "source": "photos/pNNN.ext"}: no title, description or tags
  OUT/queries.jsonl      one text query per category word: {"id": "concept-WORD", "text": WORD, "relevant": [ids]}

The category list and each photo's categories were written down once, from what the photos show (looked at
before any run), following WordNet's hierarchy (a dog is a mammal is an animal), and not tuned afterwards.
Photos in no category stay in the index as distractors. Build with `vsearch build --manifest OUT/manifest.jsonl`,
then `vsearch eval --queries OUT/queries.jsonl` (with `--concepts-weight 0` for auto-tags only).
  python3 scripts/eval_concept_queries.py --out DIR [--data DIR] [--extra DIR]
"""
import argparse, json, os, shutil
from eval_opencv_labels import is_image  # same folder: PNG/JPEG by signature

# photo -> categories (hypernyms included explicitly)
CATEGORIES = {
    "baboon.jpg": ["animal", "mammal", "monkey"],
    "squirrel_cls.jpg": ["animal", "mammal"],
    "chicky_512.png": ["animal", "mammal", "dog"],
    "chelsea.png": ["animal", "mammal", "cat"],
    "horse.png": ["animal", "mammal"],
    "butterfly.jpg": ["animal", "insect"],
    "HappyFish.jpg": ["animal", "fish"],
    "apple.jpg": ["fruit", "food"],
    "orange.jpg": ["fruit", "food"],
    "fruits.jpg": ["fruit", "food"],
    "smarties.png": ["food", "candy"],
    "coffee.png": ["food", "drink"],
    "licenseplate_motion.jpg": ["vehicle", "car"],
    "motorcycle_left.png": ["vehicle"],
    "motorcycle_right.png": ["vehicle"],
    "rocket.jpg": ["vehicle"],
    "building.jpg": ["building"],
    "home.jpg": ["building"],
    "leuvenA.jpg": ["building"],
    "leuvenB.jpg": ["building"],
    "messi5.jpg": ["person", "sport"],
    "basketball1.png": ["person", "sport"],
    "basketball2.png": ["person", "sport"],
    "camera.png": ["person"],
    "astronaut.png": ["person"],
    "rubberwhale1.png": ["toy"],
    "rubberwhale2.png": ["toy"],
    "blox.jpg": ["toy"],
    "coins.png": ["money"],
    "clock_motion.png": ["clock"],
    "starry_night.jpg": ["painting"],
    "board.jpg": ["electronics"],
}
QUERIES = ["animal", "mammal", "monkey", "dog", "cat", "insect", "fish", "fruit", "food", "candy", "drink", "vehicle",
           "car", "building", "person", "sport", "toy", "money", "clock", "painting", "electronics"]

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/doc/opencv-doc/examples/data")
    ap.add_argument("--extra", default=None, help="a second folder of photos (scikit-image's skimage/data)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    folders = [a.data] + ([a.extra] if a.extra else [])
    files = []
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path) and is_image(path) and name not in {f[0] for f in files}:
                files.append((name, path))
    os.makedirs(os.path.join(a.out, "photos"), exist_ok=True)
    relevant = {q: [] for q in QUERIES}
    with open(os.path.join(a.out, "manifest.jsonl"), "w") as m:
        for n, (name, path) in enumerate(files):
            ident = f"p{n:03d}"
            ext = os.path.splitext(name)[1].lower()
            shutil.copyfile(path, os.path.join(a.out, "photos", ident + ext))
            m.write(json.dumps({"id": ident, "source": f"photos/{ident}{ext}"}) + "\n")
            for category in CATEGORIES.get(name, []):
                relevant[category].append(ident)
    with open(os.path.join(a.out, "queries.jsonl"), "w") as q:
        for word in QUERIES:
            if relevant[word]:
                q.write(json.dumps({"id": f"concept-{word}", "text": word, "relevant": relevant[word]}) + "\n")
    missing = sorted(set(CATEGORIES) - {f[0] for f in files})
    print(f"{len(files)} photos, {sum(1 for w in QUERIES if relevant[w])} queries" + (f"; not found: {missing}" if missing else ""))

if __name__ == "__main__":
    main()
