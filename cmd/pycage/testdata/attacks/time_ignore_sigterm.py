# Outcome: code that ignores SIGTERM and SIGINT still dies at the time limit.
# want status=timeout
# timeout 2
# want max_seconds=5
import signal, time
for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    signal.signal(s, signal.SIG_IGN)
while True:
    time.sleep(0.01)
