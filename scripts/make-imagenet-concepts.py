#!/usr/bin/env python3
"""Writes assets/imagenet-concepts.txt: for each ImageNet class (assets/imagenet-classes.txt, 1000 lines in
class-index order) one line of text that the ConSE bridge embeds with MiniLM -- the class's names followed by
its WordNet 3.0 hypernyms ("goldfinch, Carduelis carduelis; a kind of finch, passerine, oscine, bird, vertebrate").

Without the hypernyms MiniLM has to know that a "Pekinese" is a dog and a "monarch" an insect; with them the
class text says so. ImageNet's classes are WordNet noun synsets whose ids (n + offset) are sorted by offset in
class-index order, so each line is matched to the synset whose lemmas are the line's names, taking the first
match past the previous class's offset (that settles the two "crane"s and the two "maillot"s). The chain is cut
at HYPERNYM_DEPTH levels and before the generic top of the hierarchy (STOP). Stdlib only; reads Debian's
wordnet-base (/usr/share/wordnet/data.noun).
  python3 scripts/make-imagenet-concepts.py [--wordnet /usr/share/wordnet] [--out assets/imagenet-concepts.txt]
"""
import argparse, os, sys

HYPERNYM_DEPTH = 5
STOP = {"entity", "physical_entity", "abstraction", "object", "whole", "living_thing", "organism", "artifact",
        "instrumentality", "matter", "causal_agent", "psychological_feature", "attribute", "group", "unit"}

def load_nouns(path):
    synsets = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split(" | ")[0].split()
            offset, count = int(fields[0]), int(fields[3], 16)
            words = [fields[4 + 2 * i] for i in range(count)]
            p = 4 + 2 * count
            pointers = int(fields[p])
            hypernyms = []
            for i in range(pointers):
                symbol, target, pos = fields[p + 1 + 4 * i], fields[p + 2 + 4 * i], fields[p + 3 + 4 * i]
                if symbol in ("@", "@i") and pos == "n":
                    hypernyms.append(int(target))
            synsets[offset] = (words, hypernyms)
    return synsets

def norm(word):
    word = word.strip().lower().replace(" ", "_")
    return word.split("(")[0]  # adjective markers like "(a)" in data.adj; harmless for nouns

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wordnet", default="/usr/share/wordnet")
    ap.add_argument("--classes", default="assets/imagenet-classes.txt")
    ap.add_argument("--out", default="assets/imagenet-concepts.txt")
    a = ap.parse_args()
    synsets = load_nouns(os.path.join(a.wordnet, "data.noun"))
    by_word = {}
    for offset, (words, _) in synsets.items():
        for w in words:
            by_word.setdefault(norm(w), []).append(offset)
    classes = [l.rstrip("\n") for l in open(a.classes, encoding="utf-8")]
    assert len(classes) == 1000, "expected 1000 classes"
    out, previous, unmatched = [], -1, 0
    for line in classes:
        names = [n.strip() for n in line.split(",") if n.strip()]
        candidates = sorted(set(by_word.get(norm(names[0]), [])))
        best = None
        for offset in candidates:
            if offset <= previous:
                continue
            lemmas = {norm(w) for w in synsets[offset][0]}
            if all(norm(n) in lemmas for n in names):
                best = offset
                break
        if best is None:  # fall back to the first later synset naming the class at all
            later = [o for o in candidates if o > previous]
            best = later[0] if later else None
        if best is None:
            unmatched += 1
            out.append(line)
            continue
        previous = best
        chain, current = [], best
        while len(chain) < HYPERNYM_DEPTH:
            ups = synsets[current][1]
            if not ups:
                break
            current = ups[0]
            word = synsets[current][0][0]
            if norm(word) in STOP:
                break
            chain.append(word.replace("_", " "))
        out.append(line + ("; a kind of " + ", ".join(chain) if chain else ""))
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"{a.out}: 1000 classes, {1000 - unmatched} matched to WordNet 3.0 synsets", file=sys.stderr)

if __name__ == "__main__":
    main()
