"""Start the KIM-Assistent chat: `python app.py` (the same as `kim serve`)."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
