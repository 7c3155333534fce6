# Outcome: /tmp works but stops at its size (64 MiB): ENOSPC, and the code goes on.
# want status=ok
# want stdout=full at 64 MiB\n
import errno
written = 0
try:
    with open("/tmp/fill", "wb") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(1024):
            f.write(chunk)
            f.flush()
            written += 1
except OSError as e:
    print("full at", written, "MiB" if e.errno == errno.ENOSPC else e)
