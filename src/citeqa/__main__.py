import sys

from citeqa.cli import main

sys.exit(main())
