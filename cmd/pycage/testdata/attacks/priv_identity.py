# Outcome: not root, no effective capabilities, no new privileges, no docker socket.
# want status=ok
# want stdout=65534 65534 0 1 False\n
# NoNewPrivs is asked of prctl: gVisor's /proc/self/status has no such line.
import ctypes, os
PR_GET_NO_NEW_PRIVS = 39
status = dict(l.split(":\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\t" in l)
nnp = ctypes.CDLL(None).prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
print(os.getuid(), os.getgid(), int(status["CapEff"], 16), nnp,
      any(os.path.exists(p) for p in ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"]))
