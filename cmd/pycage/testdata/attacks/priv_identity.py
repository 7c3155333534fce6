# Outcome: not root, no effective capabilities, no new privileges, no docker socket.
# want status=ok
# want stdout=65534 65534 0 1 False\n
import os
status = dict(l.split(":\t", 1) for l in open("/proc/self/status").read().splitlines() if ":\t" in l)
print(os.getuid(), os.getgid(), int(status["CapEff"], 16), status["NoNewPrivs"].strip(),
      any(os.path.exists(p) for p in ["/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock"]))
