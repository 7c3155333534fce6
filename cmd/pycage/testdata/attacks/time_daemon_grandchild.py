# Outcome: a daemonized grandchild (double fork + setsid) holding stdout open does not keep the
# call alive or outlive it: the call ends when the code ends.
# want status=ok
# want stdout=parent done\n
# want max_seconds=8
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(3600)
        print("grandchild still alive", flush=True)
        os._exit(0)
    os._exit(0)
os.wait()
print("parent done")
