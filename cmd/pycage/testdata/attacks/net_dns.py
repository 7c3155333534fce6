# Outcome: a DNS lookup fails at once.
# want status=ok
# want stdout=no dns fast\n
import socket, time
start = time.time()
try:
    socket.getaddrinfo("pypi.org", 443)
    print("resolved")
except OSError:
    print("no dns", "fast" if time.time() - start < 1 else "slow")
