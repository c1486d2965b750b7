#!/usr/bin/env python3
"""Writes a labelled photo set over Debian opencv-doc's example photos (stdlib only):

  OUT/manifest.jsonl  every decodable photo of the folder (id = file stem, tags = its group if it has one)
  OUT/queries.jsonl   one image query per photo that belongs to a group: {"id": stem, "image": path,
                      "labels": [group]} -- relevant = the other photos of the same scene (leave-one-out)

The groups are scenes the OpenCV samples ship several shots of (stereo pairs, image-sequence frames,
calibration series, re-edits); every other photo of the folder stays in the index as a distractor.
  python3 scripts/eval_opencv_labels.py --data /usr/share/doc/opencv-doc/examples/data --out DIR
"""
import argparse, json, os, re

GROUPS = {
    "chessboard-calibration": [f"left{n:02d}.jpg" for n in range(1, 15)] + [f"right{n:02d}.jpg" for n in range(1, 15)],
    "aloe-stereo": ["aloeL.jpg", "aloeR.jpg"],
    "basketball-sequence": ["basketball1.png", "basketball2.png"],
    "graffiti-viewpoints": ["graf1.png", "graf3.png"],
    "leuven-exposures": ["leuvenA.jpg", "leuvenB.jpg"],
    "rubberwhale-sequence": ["rubberwhale1.png", "rubberwhale2.png"],
    "suzanne-renders": ["Blender_Suzanne1.jpg", "Blender_Suzanne2.jpg"],
    "aero-views": ["aero1.jpg", "aero3.jpg"],
    "box-object": ["box.png", "box_in_scene.png"],
    "ela-edit": ["ela_original.jpg", "ela_modified.jpg"],
    "text-blur": ["text_defocus.jpg", "text_motion.jpg"],
    "opencv-logo": ["opencv-logo.png", "opencv-logo-white.png"],
}

def is_image(path):
    with open(path, "rb") as f:
        head = f.read(8)
    return head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff")

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/doc/opencv-doc/examples/data")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    group_of = {name: g for g, names in GROUPS.items() for name in names}
    names = sorted(n for n in os.listdir(a.data) if os.path.isfile(os.path.join(a.data, n)) and is_image(os.path.join(a.data, n)))
    queries = 0
    with open(os.path.join(a.out, "manifest.jsonl"), "w") as m, open(os.path.join(a.out, "queries.jsonl"), "w") as q:
        for name in names:
            stem = re.sub(r"\.[^.]+$", "", name)
            tags = [group_of[name]] if name in group_of else []
            m.write(json.dumps({"id": stem, "source": name, "title": stem, "tags": tags}) + "\n")
            if name in group_of:
                q.write(json.dumps({"id": stem, "image": os.path.join(a.data, name), "labels": [group_of[name]]}) + "\n")
                queries += 1
    print(f"{len(names)} photos in the index, {queries} queries in {len(GROUPS)} groups")

if __name__ == "__main__":
    main()
