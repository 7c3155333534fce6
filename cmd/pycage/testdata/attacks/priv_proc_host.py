# Outcome: the host's processes are invisible; PID 1 is the container's init.
# want status=ok
# want stdout=few processes\n
import os
pids = [p for p in os.listdir("/proc") if p.isdigit()]
print("few processes" if len(pids) < 10 else "sees %d processes" % len(pids))
