#!/usr/bin/env python3
"""Helpers of the trace benchmark (examples/bench/trace.sh).

generate  a seeded English-like corpus (JSONL documents {"text", "id", "source", "url"}: sentences of words drawn
          from a Zipf-weighted vocabulary, in paragraphs) of about --megabytes of text, and --count model outputs
          of about --words words (JSONL {"text", "planted"}): fresh sentences with --planted passages of 12-40
          words copied verbatim from random corpus documents, the regurgitation a trace should find.
measure   runs a command and reports its wall time and peak memory, sampled from /proc: VmHWM (all resident
          pages), RssAnon (the process' own memory) and RssFile (pages of mapped files, which the kernel can drop).
evict     drops the files of a folder from the page cache (posix_fadvise DONTNEED), for a cold-cache run.
score     reads the outputs and the `sentinel trace --batch --json` results: spans per output, how much of the
          planted passages the spans cover, and how many spans fall outside them.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time

COMMON = """the of and to a in is it you that he was for on are with as his they be at one have this from or had by
hot word but what some we can out other were all there when up use your how said an each she which do their time if
will way about many then them write would like so these her long make thing see him two has look more day could go
come did number sound no most people my over know water than call first who may down side been now find any new work
part take get place made live where after back little only round man year came show every good me give our under name
very through just form sentence great think say help low line differ turn cause much mean before move right boy old
too same tell does set three want air well also play small end put home read hand port large spell add even land here
must big high such follow act why ask men change went light kind off need house picture try us again animal point
mother world near build self earth father head stand own page should country found answer school grow study still
learn plant cover food sun four between state keep eye never last let thought city tree cross farm hard start might
story saw far sea draw left late run while press close night real life few north""".split()


def vocabulary(rng, size):
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + "th st ch sh ng er an on in al".split()
    words = list(dict.fromkeys(COMMON))
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class Writer:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.words = vocabulary(self.rng, 30_000)
        total = 0.0
        self.cumulative = []
        for rank in range(len(self.words)):
            total += 1 / (rank + 1) ** 1.07
            self.cumulative.append(total)

    def sentence(self):
        rng = self.rng
        words = rng.choices(self.words, cum_weights=self.cumulative, k=rng.randint(6, 24))
        if len(words) > 10 and rng.random() < 0.4:
            words[rng.randint(3, len(words) - 4)] += ","
        text = " ".join(words)
        return text[0].upper() + text[1:] + rng.choice("........?!")

    def document(self):
        paragraphs = []
        for _ in range(self.rng.randint(1, 8)):
            paragraphs.append(" ".join(self.sentence() for _ in range(self.rng.randint(2, 8))))
        return "\n\n".join(paragraphs)


def generate(args):
    writer = Writer(args.seed)
    rng = writer.rng
    sample = []  # reservoir of documents to copy passages from
    written = 0
    with open(args.corpus, "w") as corpus:
        number = 0
        while written < args.megabytes * 1_000_000:
            text = writer.document()
            source = rng.choice(("web", "books", "forums", "news", "code-comments"))
            corpus.write(json.dumps({"text": text, "id": number, "source": source,
                                     "url": f"https://example.org/{source}/{number}"}) + "\n")
            written += len(text.encode())
            if len(sample) < 2000:
                sample.append(text)
            elif rng.random() < 2000 / (number + 1):
                sample[rng.randrange(2000)] = text
            number += 1
    with open(args.outputs, "w") as outputs:
        for _ in range(args.count):
            parts, planted, words = [], [], 0
            plant_at = sorted(rng.sample(range(1, 30), args.planted))
            while words < args.words:
                if plant_at and len(parts) >= plant_at[0]:
                    plant_at.pop(0)
                    source = rng.choice(sample).split()
                    length = rng.randint(12, 40)
                    start = rng.randrange(max(len(source) - length, 1))
                    passage = " ".join(source[start:start + length])
                    planted.append(passage)
                    parts.append(passage)
                    words += len(passage.split())
                else:
                    sentence = writer.sentence()
                    parts.append(sentence)
                    words += len(sentence.split())
            outputs.write(json.dumps({"text": " ".join(parts), "planted": planted}) + "\n")
    print(f"corpus: {number} documents, {written / 1e6:.1f} MB of text; {args.count} outputs of ~{args.words} words")


def measure(args):
    started = time.monotonic()
    with open(args.stdout, "w") if args.stdout else open("/dev/stdout", "w") as stdout:
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        process = subprocess.Popen(command, stdout=stdout)
        peaks = {"VmHWM": 0, "RssAnon": 0, "RssFile": 0}
        while process.poll() is None:
            try:
                with open(f"/proc/{process.pid}/status") as status:
                    for line in status:
                        key, _, value = line.partition(":")
                        if key in peaks:
                            peaks[key] = max(peaks[key], int(value.split()[0]))
            except (FileNotFoundError, ProcessLookupError, ValueError):
                pass
            time.sleep(0.05)
    elapsed = time.monotonic() - started
    mib = {key: value / 1024 for key, value in peaks.items()}
    print(f"{args.label}: {elapsed:.1f} s; peak resident {mib['VmHWM']:.0f} MiB "
          f"(own memory {mib['RssAnon']:.0f} MiB, pages of mapped files: index, binary {mib['RssFile']:.0f} MiB)")
    sys.exit(process.returncode)


def evict(args):
    for entry in os.scandir(args.folder):
        with open(entry.path, "rb") as f:
            os.fsync(f.fileno())
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def score(args):
    with open(args.outputs) as f:
        outputs = [json.loads(line) for line in f]
    with open(args.results) as f:
        results = [json.loads(line) for line in f]
    assert len(outputs) == len(results), "one result per output"
    spans = covered = planted_bytes = outside = 0
    for output, result in zip(outputs, results):
        text = output["text"].encode()
        inside = bytearray(len(text))
        for passage in output["planted"]:
            start = text.find(passage.encode())
            inside[start:start + len(passage.encode())] = b"\1" * len(passage.encode())
            planted_bytes += len(passage.encode())
        marked = bytearray(len(text))
        for span in result["spans"]:
            spans += 1
            marked[span["start"]:span["end"]] = b"\1" * (span["end"] - span["start"])
            if not any(inside[span["start"]:span["end"]]):
                outside += 1
        covered += sum(1 for a, b in zip(inside, marked) if a and b)
    print(f"{spans / len(results):.1f} spans per output; planted passages {100 * covered / max(planted_bytes, 1):.0f}% "
          f"covered by spans; {outside} of {spans} spans outside them")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command_name", required=True)
    g = commands.add_parser("generate")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("--megabytes", type=float, default=100)
    g.add_argument("--count", type=int, default=200)
    g.add_argument("--words", type=int, default=500)
    g.add_argument("--planted", type=int, default=4)
    g.add_argument("--corpus", required=True)
    g.add_argument("--outputs", required=True)
    m = commands.add_parser("measure")
    m.add_argument("--label", required=True)
    m.add_argument("--stdout", help="where the command's stdout goes (default: this stdout)")
    m.add_argument("command", nargs=argparse.REMAINDER)
    e = commands.add_parser("evict")
    e.add_argument("folder")
    s = commands.add_parser("score")
    s.add_argument("outputs")
    s.add_argument("results")
    args = parser.parse_args()
    {"generate": generate, "measure": measure, "evict": evict, "score": score}[args.command_name](args)


if __name__ == "__main__":
    main()
