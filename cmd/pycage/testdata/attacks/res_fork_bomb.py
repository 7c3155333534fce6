# Outcome: a classic fork bomb is contained by the pids limit and ends at the time limit.
# want status=timeout
# timeout 3
# want max_seconds=8
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
