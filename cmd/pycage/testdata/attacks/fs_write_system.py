# Outcome: writes to /usr, /etc, site-packages and / all fail (read-only root file system).
# want status=ok
# want stdout=4 refused\n
import sysconfig
refused = 0
for path in ["/usr/bin/evil", "/etc/passwd", sysconfig.get_paths()["purelib"] + "/evil.py", "/evil"]:
    try:
        with open(path, "a") as f:
            f.write("x")
        print("wrote", path)
    except OSError:
        refused += 1
print(refused, "refused")
