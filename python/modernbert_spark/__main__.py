"""python -m modernbert_spark jar: prints the jar's path (for spark-submit --jars)."""

import sys

from modernbert_spark._jar import jar_path

USAGE = "usage: python -m modernbert_spark jar    prints the path of the modernbert-spark jar"


def main(argv: list) -> int:
    if argv != ["jar"]:
        print(USAGE, file=sys.stderr)
        return 2
    print(jar_path())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
