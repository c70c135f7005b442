"""Summarise py-spy's collapsed stacks (``--format raw``): the share of samples in which each function (or
each of our modules) is on the stack, and where the samples end (own time), highest first."""

import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>[^ ]+) \((?P<file>[^:]+)(:\d+)?\)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    inclusive, own, total = Counter(), Counter(), 0
    for line in args.file.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack:
            continue
        n = int(samples)
        total += n
        frames = []
        for frame in stack.split(";"):
            match = FRAME.match(frame)
            frames.append(f"{match['function']} ({Path(match['file']).name})" if match else frame)
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    print(f"{total} samples\n\non the stack (inclusive):")
    for frame, n in inclusive.most_common(args.top):
        print(f"  {100 * n / total:5.1f} %  {frame}")
    print("\nown time (where the sample ends):")
    for frame, n in own.most_common(args.top):
        print(f"  {100 * n / total:5.1f} %  {frame}")


if __name__ == "__main__":
    main()
