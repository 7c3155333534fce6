# Outcome: the cloud metadata address is unreachable, at once.
# want status=ok
# want stdout=blocked fast\n
import socket, time
start = time.time()
try:
    socket.create_connection(("169.254.169.254", 80), timeout=5)
    print("connected")
except OSError:
    print("blocked", "fast" if time.time() - start < 1 else "slow")
