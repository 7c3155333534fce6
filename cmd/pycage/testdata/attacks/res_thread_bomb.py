# Outcome: a thread bomb hits the pids limit ("can't start new thread") and the code goes on.
# want status=ok
# want stdout=limited\n
import threading, time
threads = 0
try:
    for _ in range(10000):
        threading.Thread(target=time.sleep, args=(30,), daemon=True).start()
        threads += 1
except RuntimeError:
    pass
print("limited" if threads < 64 else "started %d" % threads)
