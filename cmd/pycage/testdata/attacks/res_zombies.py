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
def zombies():
    found = []
    for p in os.listdir("/proc"):
        try:
            if p.isdigit() and " Z " in open("/proc/%s/stat" % p).read():
                found.append(p)
        except OSError:  # the process went away meanwhile
            pass
    return found
deadline = time.time() + 5
while zombies() and time.time() < deadline:
    time.sleep(0.05)
left = zombies()
print("no zombies" if not left else "zombies: %s" % left)
