# Outcome: unshare(CLONE_NEWUSER|CLONE_NEWNS) and mount() through ctypes fail.
# want status=ok
# want stdout=unshare failed\nmount failed\n
# Under gVisor unshare succeeds: the namespace is one of the Sentry's own, inside the sandbox,
# and mount() still fails in it.
# want[runsc] stdout=unshare ok\nmount failed\n
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
print("unshare", "ok" if libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0 else "failed")
r = libc.mount(b"tmpfs", b"/mnt", b"tmpfs", 0, None)
print("mount", "ok" if r == 0 else "failed")
