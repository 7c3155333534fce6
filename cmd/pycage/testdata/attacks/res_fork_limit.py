# Outcome: the pids cgroup limit (64) stops fork() well before 10000 children.
# want status=ok
# want stdout=limited\n
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
