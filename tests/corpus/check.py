#!/usr/bin/env python3
"""Checks the format of reply corpus files (tests/corpus/replies/*.txt) and prints counts.

Usage: python3 tests/corpus/check.py [FILE...]   (default: every file in tests/corpus/replies)
"""
import collections, email, email.policy, glob, os, re, sys

LABELS = {"positive", "neutral", "negative", "out_of_office", "auto_reply", "bounce"}
FLAGS = {"+optimize", "+upgrade", "+unsubscribe", "+hard", "+soft", "+meeting"}
LANGS = {"en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "no"}
here = os.path.dirname(os.path.abspath(__file__))
SENT = {os.path.basename(p)[:-4] for p in glob.glob(os.path.join(here, "sent", "*.txt"))}


def cases(path):
    text = open(path, encoding="utf-8").read()
    for chunk in text.split("\n=== ")[1:] if not text.startswith("=== ") else ("\n" + text).split("\n=== ")[1:]:
        yield chunk


def main(paths):
    errors, names = [], set()
    count = collections.Counter()
    for path in paths:
        for chunk in cases(path):
            head, _, rest = chunk.partition("\n")
            parts = [p.strip() for p in head.split("|")]
            where = f"{os.path.basename(path)}: {parts[0]}"
            if len(parts) != 6:
                errors.append(f"{where}: the head needs 6 fields separated by |, got {len(parts)}")
                continue
            name, label, lang, client, sent, split = parts
            words = label.split()
            if not words or words[0] not in LABELS:
                errors.append(f"{where}: unknown label {label!r}")
            for w in words[1:]:
                if w not in FLAGS:
                    errors.append(f"{where}: unknown flag {w!r}")
            if name in names:
                errors.append(f"{where}: duplicate name")
            names.add(name)
            for field, key, ok in ((lang, "lang", LANGS), (sent, "sent", SENT | {"none"}), (split, "set", {"train", "eval"})):
                if not field.startswith(key + "="):
                    errors.append(f"{where}: expected {key}=..., got {field!r}")
                elif field.split("=", 1)[1] not in ok:
                    errors.append(f"{where}: {field!r} is not one of {sorted(ok)}")
            if not client.startswith("client=") or not client[7:]:
                errors.append(f"{where}: expected client=NAME")
            lines = rest.split("\n")
            meta = []
            while lines and lines[0].startswith("@"):
                meta.append(lines.pop(0))
            for m in meta:
                key = m.split(" ", 1)[0]
                if key not in ("@visible", "@gone", "@ooo_until"):
                    errors.append(f"{where}: unknown meta line {m!r}")
                if key == "@ooo_until" and not re.fullmatch(r"@ooo_until \d{4}-\d{2}-\d{2}", m):
                    errors.append(f"{where}: {m!r} must be @ooo_until YYYY-MM-DD")
            raw = "\n".join(lines).strip("\n") + "\n"
            if "\n\n" not in raw:
                errors.append(f"{where}: the message needs headers, a blank line, then the body")
                continue
            msg = email.message_from_string(raw, policy=email.policy.default)
            if not msg["From"]:
                errors.append(f"{where}: no From header")
            if not msg["Subject"] and words and words[0] != "bounce":
                errors.append(f"{where}: no Subject header")
            count[(words[0] if words else "?", lang.split("=")[-1], split.split("=")[-1])] += 1
    total = sum(count.values())
    by = lambda i: collections.Counter({k: 0 for k in []}) + collections.Counter(
        {v: sum(n for k, n in count.items() if k[i] == v) for v in {k[i] for k in count}})
    print(f"{total} cases; labels {dict(by(0))}; languages {dict(by(1))}; sets {dict(by(2))}")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    paths = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "replies", "*.txt")))
    sys.exit(main(paths))
