# Outcome: orphans that exit are reaped by the container's init: no zombies pile up.
# want status=ok
# want stdout=no zombies\n
import os, time
for _ in range(10):
    if os.fork() == 0:          # child: start a grandchild, exit at once (orphaning it)
        if os.fork() == 0:
            os._exit(0)         # the grandchild exits; only init can reap it
        os._exit(0)
for _ in range(10):
    os.wait()                   # reap our own children
deadline = time.time() + 5
while time.time() < deadline:
    zombies = [p for p in os.listdir("/proc") if p.isdigit() and " Z " in open("/proc/%s/stat" % p).read()]
    if not zombies:
        break
    time.sleep(0.05)
print("no zombies" if not zombies else "zombies: %s" % zombies)
