# Outcome: a classic fork bomb is contained by the pids limit and ends at the time limit.
# want status=timeout
# timeout 3
# want max_seconds=8
# Under gVisor the Sentry's memory for 64 tasks passes the memory limit first (see res_fork_limit).
# want[runsc] status=oom
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
