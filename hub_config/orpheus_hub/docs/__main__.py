"""``python -m orpheus_hub.docs``: write or check the generated references."""

import sys

from . import main

sys.exit(main())
