# Outcome: a program dropped into /tmp cannot be executed (noexec tmpfs).
# want status=ok
# want stdout=denied\n
import os, shutil
shutil.copy("/bin/true", "/tmp/t")
os.chmod("/tmp/t", 0o755)
try:
    os.execv("/tmp/t", ["/tmp/t"])
except PermissionError:
    print("denied")
