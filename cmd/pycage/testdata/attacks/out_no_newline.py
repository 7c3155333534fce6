# Outcome: 200 MB without a newline is stopped at the hard output limit.
# want status=output_limit
# want truncated=true
# timeout 60
import sys
block = "x" * (1 << 20)
for _ in range(200):
    sys.stdout.write(block)
