# Outcome: TCP to a public address fails at once: the container has no network.
# want status=ok
# want stdout=blocked fast\n
# want max_seconds=5
import socket, time
start = time.time()
try:
    socket.create_connection(("192.0.2.1", 443), timeout=5)
    print("connected")
except OSError:
    print("blocked", "fast" if time.time() - start < 1 else "slow")
