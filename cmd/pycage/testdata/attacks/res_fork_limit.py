# Outcome: the pids cgroup limit (64) stops fork() well before 10000 children.
# want status=ok
# want stdout=limited\n
# Under gVisor the task limit is RLIMIT_NPROC (64), but each task also costs the host about
# 4 MiB in the Sentry's cgroup, which the memory limit counts: 64 sleeping children of the
# runner pass 256 MiB first. Still contained, by the other limit.
# want[runsc] status=oom
# want[runsc] stdout=
import os, time
children = 0
try:
    for _ in range(10000):
        pid = os.fork()
        if pid == 0:
            time.sleep(30)
            os._exit(0)
        children += 1
except OSError:
    pass
print("limited" if children < 64 else "forked %d" % children)
