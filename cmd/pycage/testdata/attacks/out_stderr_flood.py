# Outcome: a flood on stderr only is capped and stopped as well.
# want status=output_limit
# want truncated=true
# timeout 60
import sys
while True:
    sys.stderr.write("e" * 65536)
